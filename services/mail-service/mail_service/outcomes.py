"""After sending: outcomes recorded together, in one transaction per call.

Sent emails move in one UPDATE and each announces `email.finished` with its own correlation
id; a transient failure of a scheduled send goes back to the queue with a backoff (manual and
test sends make one attempt); every attempt's audit row gets its result in one executemany.
Each change is fenced with the claim (see `shared.email_claims`): a sender that was taken over
records its attempt in the audit but leaves the email to the newer attempt.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import DBAPIError

from shared.correlation import correlated
from shared.domain import email_claims, emails
from shared.infra import metrics
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email, EmailAudit
from shared.infra.settings import Settings
from shared.states import AuditStatus, EmailStatus

from .claiming import Claimed
from .deps import MailDeps
from .failures import SendFailure
from .smtp import SendResult

log = logging.getLogger(__name__)

_AUDIT = cast(Table, EmailAudit.__table__)
_FINISH_AUDIT = update(_AUDIT).where(_AUDIT.c.id == bindparam("audit_id"))
_REPLY_LIMIT = 2000
_RECORD_BACKOFF_SECONDS = 0.5  # times the attempt number
# An email's state after one of our outcomes was recorded: the audit status that goes with it.
_RECORDED_AS = {
    EmailStatus.SENT: AuditStatus.SENT,
    EmailStatus.FAILED: AuditStatus.FAILED,
    EmailStatus.QUEUED: AuditStatus.RETRYING,
}


@dataclass(frozen=True)
class Outcome:
    claimed: Claimed
    result: SendResult | SendFailure
    duration: float  # seconds


async def record_outcomes(outcomes: list[Outcome], deps: MailDeps) -> None:
    """Record the outcomes; a database hiccup is retried (`mail_record_attempts`), because an
    email whose `sent` is lost goes out again once its lease runs out."""
    attempts = deps.infra.settings.mail_record_attempts
    for attempt in range(1, attempts + 1):
        try:
            statuses, superseded = await _record(outcomes, deps)
            break
        except (DBAPIError, OSError) as exc:
            if attempt == attempts:
                raise
            log.warning(
                "recording email outcomes failed; trying again",
                extra={"attempt": attempt, "emails": len(outcomes), "error": str(exc)[:200]},
            )
            await asyncio.sleep(_RECORD_BACKOFF_SECONDS * attempt)
    for outcome, status in zip(outcomes, statuses, strict=True):
        _report(outcome, status, outcome.claimed.email.id in superseded)


async def _record(
    outcomes: list[Outcome], deps: MailDeps
) -> tuple[list[AuditStatus], set[uuid.UUID]]:
    """One transaction: the emails' new states, their events and their audit rows. Returns
    each outcome's audit status and the emails whose claim had been superseded."""
    settings = deps.infra.settings
    sent = [(o.claimed.email, o.claimed.correlation_id) for o in outcomes if _succeeded(o)]
    async with deps.uow() as uow:
        moved = await email_claims.mark_all_sent(uow, sent) if sent else set()
        statuses: list[AuditStatus] = []
        unmoved: list[int] = []
        for index, outcome in enumerate(outcomes):
            status, changed = AuditStatus.SENT, outcome.claimed.email.id in moved
            if isinstance(outcome.result, SendFailure):
                status, changed = await _fail_or_retry(uow, outcome, outcome.result, settings)
            statuses.append(status)
            if not changed:
                unmoved.append(index)
        superseded = await _explain_unmoved(uow, unmoved, outcomes, statuses)
        audits = [_finished_audit(o, status) for o, status in zip(outcomes, statuses, strict=True)]
        await uow.session.execute(_FINISH_AUDIT, audits)
        await uow.commit()
    return statuses, superseded


async def _explain_unmoved(
    uow: UnitOfWork, unmoved: list[int], outcomes: list[Outcome], statuses: list[AuditStatus]
) -> set[uuid.UUID]:
    """An outcome that changed nothing was either recorded already (by our own earlier try,
    whose commit went through although we saw an error) or belongs to a claim taken over.
    Sets the audit status from what the row says in the first case; returns the second's ids."""
    if not unmoved:
        return set()
    rows = await uow.session.execute(
        select(Email.id, Email.status, Email.attempts).where(
            Email.id.in_([outcomes[index].claimed.email.id for index in unmoved])
        )
    )
    current = {row.id: (row.status, row.attempts) for row in rows}
    superseded = set()
    for index in unmoved:
        email = outcomes[index].claimed.email
        status, attempts = current.get(email.id, (None, None))
        if attempts == email.attempts and status in _RECORDED_AS:
            statuses[index] = _RECORDED_AS[status]
        else:
            superseded.add(email.id)
    return superseded


def _succeeded(outcome: Outcome) -> bool:
    return isinstance(outcome.result, SendResult)


async def _fail_or_retry(
    uow: UnitOfWork, outcome: Outcome, failure: SendFailure, settings: Settings
) -> tuple[AuditStatus, bool]:
    """Back to the queue with a backoff when trying again can help; failed otherwise. Returns
    the audit status and whether the email changed (it does not when the claim is gone)."""
    email, attempt = outcome.claimed.email, outcome.claimed.email.attempts
    with correlated(outcome.claimed.correlation_id):
        if not failure.permanent and email.attempts < email.max_attempts:
            delay = emails.retry_delay(
                email.attempts, settings.mail_retry_base_seconds, settings.mail_retry_max_seconds
            )
            changed = await emails.schedule_retry(
                uow, email, failure.reason, delay, attempt=attempt
            )
            return (AuditStatus.RETRYING if changed else AuditStatus.FAILED), changed
        return AuditStatus.FAILED, await emails.mark_failed(
            uow, email, failure.reason, attempt=attempt
        )


def _finished_audit(outcome: Outcome, status: AuditStatus) -> dict[str, Any]:
    result = outcome.result
    values: dict[str, Any] = {
        "audit_id": outcome.claimed.audit_id,
        "status": status,
        "duration_ms": int(outcome.duration * 1000),
        "finished_at": datetime.now(UTC),
        "smtp_code": result.code,
    }
    failure = result if isinstance(result, SendFailure) else None
    values.update(
        smtp_reply=(result.reply or "")[:_REPLY_LIMIT] or None,
        refused_recipients=result.refused or None if isinstance(result, SendResult) else None,
        error_class=failure.error_class if failure else None,
        error=failure.reason if failure else None,
    )
    return values


def _report(outcome: Outcome, status: AuditStatus, superseded: bool) -> None:
    email = outcome.claimed.email
    metrics.EMAILS_FINISHED.labels(email.trigger, status).inc()
    with correlated(outcome.claimed.correlation_id):
        if superseded:
            # Sent, but after this worker's claim had run out and another attempt took over:
            # the one way an email goes out twice besides a crash. Loud, so it gets looked at.
            log.error(
                "email sent under a claim that had been taken over",
                extra={"email_id": str(email.id), "attempt": email.attempts},
            )
        elif isinstance(outcome.result, SendResult):
            refused = len(outcome.result.refused)
            log.info("email sent", extra={"email_id": str(email.id), "refused": refused})
        else:
            log.warning(
                "email attempt failed",
                extra={
                    "email_id": str(email.id),
                    "error_class": outcome.result.error_class,
                    "retry": status == AuditStatus.RETRYING,
                },
            )
