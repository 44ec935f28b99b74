"""After sending: an outcome recorded in one short transaction.

A sent email moves to `sent` and announces `email.finished` with its request's correlation id;
a transient failure of a scheduled send goes back to the queue with a backoff (manual and test
sends make one attempt); the attempt's audit row gets its result. Each change is fenced with the
claim (see `shared.email_claims`): a sender that was taken over records its attempt in the audit
but leaves the email to the newer attempt.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError

from shared import email_claims, emails, metrics
from shared.db import UnitOfWork
from shared.db.models import Email, EmailAudit
from shared.logging import correlated
from shared.settings import Settings

from .claiming import Claimed
from .deps import MailDeps
from .smtp import SendFailure, SendResult

log = logging.getLogger(__name__)

_REPLY_LIMIT = 2000
_RECORD_BACKOFF_SECONDS = 0.5  # times the attempt number
# An email's state after one of our outcomes was recorded: the audit status that goes with it.
_RECORDED_AS = {"sent": "sent", "failed": "failed", "queued": "retrying"}


@dataclass(frozen=True)
class Outcome:
    claimed: Claimed
    result: SendResult | SendFailure
    duration: float  # seconds


async def record_outcome(outcome: Outcome, deps: MailDeps) -> None:
    """Record the outcome; a database hiccup is retried (`mail_record_attempts`), because an
    email whose `sent` is lost goes out again once its lease runs out."""
    attempts = deps.infra.settings.mail_record_attempts
    for attempt in range(1, attempts + 1):
        try:
            status, superseded = await _record(outcome, deps)
            break
        except (DBAPIError, OSError) as exc:
            if attempt == attempts:
                log.error(
                    "the outcome could not be recorded: the email goes out again once its "
                    "lease runs out",
                    extra={"email_id": str(outcome.claimed.email.id)},
                )
                raise
            log.warning(
                "recording an email outcome failed; trying again",
                extra={"attempt": attempt, "error": str(exc)[:200]},
            )
            await asyncio.sleep(_RECORD_BACKOFF_SECONDS * attempt)
    _report(outcome, status, superseded)


async def _record(outcome: Outcome, deps: MailDeps) -> tuple[str, bool]:
    """One transaction: the email's new state, its event and its audit row. Returns the audit
    status and whether the claim had been superseded."""
    claimed, settings = outcome.claimed, deps.infra.settings
    async with deps.uow() as uow:
        if isinstance(outcome.result, SendFailure):
            status, changed = await _fail_or_retry(uow, outcome, outcome.result, settings)
        else:
            status = "sent"
            changed = await email_claims.mark_sent(uow, claimed.email, claimed.correlation_id)
        superseded = False
        if not changed:
            status, superseded = await _explain_unmoved(uow, claimed.email, status)
        await uow.session.execute(
            update(EmailAudit)
            .where(EmailAudit.id == claimed.audit_id)
            .values(**_finished_audit(outcome, status))
        )
        await uow.commit()
    return status, superseded


async def _explain_unmoved(uow: UnitOfWork, email: Email, status: str) -> tuple[str, bool]:
    """An outcome that changed nothing was either recorded already (by our own earlier try,
    whose commit went through although we saw an error) or belongs to a claim taken over.
    Returns the audit status (from what the row says in the first case) and whether it is the
    second."""
    row = (
        await uow.session.execute(select(Email.status, Email.attempts).where(Email.id == email.id))
    ).first()
    if row is not None and row.attempts == email.attempts and row.status in _RECORDED_AS:
        return _RECORDED_AS[row.status], False
    return status, True


async def _fail_or_retry(
    uow: UnitOfWork, outcome: Outcome, failure: SendFailure, settings: Settings
) -> tuple[str, bool]:
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
            return ("retrying" if changed else "failed"), changed
        return "failed", await emails.mark_failed(uow, email, failure.reason, attempt=attempt)


def _finished_audit(outcome: Outcome, status: str) -> dict[str, Any]:
    result = outcome.result
    values: dict[str, Any] = {
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


def _report(outcome: Outcome, status: str, superseded: bool) -> None:
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
                    "retry": status == "retrying",
                },
            )
