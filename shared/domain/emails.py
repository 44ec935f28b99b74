"""Emails: creation (with idempotency), outcomes, retries, audit (claims: `email_claims`).

Plain functions over a UnitOfWork, shared by the gateway (creates emails), the scheduler
(creates scheduled ones) and the mail-service (sends them). Status changes are conditional
UPDATEs listing the allowed source states (`shared.states.EMAIL`).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from shared.domain.leases import LeasedWork
from shared.events import EmailFinished, EmailRequested
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email, EmailAudit
from shared.languages import Language
from shared.states import EMAIL, FINAL_EMAIL_STATES, AuditStatus, EmailStatus, allowed_sources

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# An email waits `queued` (until its retry falls due) and is sent `sending` under a lease.
EMAIL_WORK = LeasedWork(
    model=Email,
    id=Email.id,
    status=Email.status,
    lease_expires_at=Email.lease_expires_at,
    announced_at=Email.announced_at,
    created_at=Email.created_at,
    attempts=Email.attempts,
    waiting=EmailStatus.QUEUED,
    working=EmailStatus.SENDING,
)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class NewEmail:
    tenant_id: str
    requested_by: str
    trigger: str  # manual | scheduled | test
    subject: str
    body: str
    to: list[str]
    cc: list[str] = field(default_factory=list)
    bcc: list[str] = field(default_factory=list)
    report: str | None = None
    export_job_id: uuid.UUID | None = None
    max_attempts: int = 1
    smtp_override: str | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None
    schedule_run_id: uuid.UUID | None = None
    statement_run_id: uuid.UUID | None = None
    recipient_source: str | None = None
    # A report email's language: its body is then a template (shared.domain.report_emails).
    language: Language | None = None


def message_id_for(email_id: uuid.UUID, domain: str) -> str:
    """Stable per email, so a resend after a crash carries the same Message-ID."""
    return f"<{email_id.hex}@{domain}>"


def create_email(
    uow: UnitOfWork, new: NewEmail, message_domain: str, *, announce: bool = True
) -> Email:
    """Queue an email and announce it (caller commits). `announce=False` for an email whose
    export job is created in the same transaction: the mail-service sends it when the export
    finishes, and an announcement now would only find it waiting."""
    email_id = uuid.uuid4()
    email = Email(
        id=email_id,
        tenant_id=new.tenant_id,
        export_job_id=new.export_job_id,
        requested_by=new.requested_by,
        trigger=new.trigger,
        report=new.report,
        to_addresses=new.to,
        cc_addresses=new.cc,
        bcc_addresses=new.bcc,
        subject=new.subject,
        body=new.body,
        status=EmailStatus.QUEUED,
        message_id=message_id_for(email_id, message_domain),
        max_attempts=new.max_attempts,
        smtp_override=new.smtp_override,
        recipient_source=new.recipient_source,
        idempotency_key=new.idempotency_key,
        request_hash=new.request_hash,
        schedule_run_id=new.schedule_run_id,
        statement_run_id=new.statement_run_id,
        language=new.language,
        announced_at=_now(),
    )
    uow.session.add(email)
    if announce:
        uow.publish(EmailRequested(tenant_id=new.tenant_id, email_id=email_id))
    return email


async def _transition(
    uow: UnitOfWork,
    email_id: uuid.UUID,
    target: EmailStatus,
    *,
    attempt: int | None = None,
    unless_leased: bool = False,
    **values: Any,
) -> Email | None:
    """Move the email to `target` from an allowed state. `attempt`: only while it is still that
    claim (the attempt number a sender claimed it with: a sender whose lease ran out and was
    taken over must not decide the newer attempt's outcome). `unless_leased`: never while a
    live sender holds it."""
    now = _now()
    conditions = [Email.id == email_id, Email.status.in_(allowed_sources(EMAIL, target))]
    if attempt is not None:
        conditions.append(Email.attempts == attempt)
    if unless_leased:
        conditions.append(EMAIL_WORK.not_held(now))
    return await uow.session.scalar(
        update(Email)
        .where(*conditions)
        .values(status=target, updated_at=now, **final_values(target), **values)
        .returning(Email)
    )


def final_values(target: EmailStatus) -> dict[str, Any]:
    # A test send's unsaved SMTP settings (password included) are kept only while needed.
    return {"smtp_override": None} if target in FINAL_EMAIL_STATES else {}


async def mark_failed(
    uow: UnitOfWork,
    email: Email,
    reason: str,
    *,
    attempt: int | None = None,
    unless_leased: bool = False,
) -> bool:
    done = await _transition(
        uow,
        email.id,
        EmailStatus.FAILED,
        attempt=attempt,
        unless_leased=unless_leased,
        error=reason,
        lease_expires_at=None,
    )
    if done is not None:
        uow.publish(
            EmailFinished(
                tenant_id=email.tenant_id,
                email_id=email.id,
                status=EmailStatus.FAILED,
                schedule_run_id=email.schedule_run_id,
            )
        )
    return done is not None


async def mark_rejected(uow: UnitOfWork, email: Email, reason: str) -> bool:
    """Refused by policy before any SMTP conversation (e.g. an external address on an
    internal-only report); final."""
    done = await _transition(
        uow, email.id, EmailStatus.REJECTED, error=reason, lease_expires_at=None
    )
    if done is not None:
        uow.publish(
            EmailFinished(
                tenant_id=email.tenant_id,
                email_id=email.id,
                status=EmailStatus.REJECTED,
                schedule_run_id=email.schedule_run_id,
            )
        )
    return done is not None


def retry_delay(attempt: int, base: float, ceiling: float) -> timedelta:
    """Exponential backoff with full jitter: spread retries so a recovering server is not hit
    by every queued email at the same instant."""
    cap = min(ceiling, base * 2 ** max(0, attempt - 1))
    return timedelta(seconds=random.uniform(cap / 2, cap))


async def schedule_retry(
    uow: UnitOfWork, email: Email, reason: str, delay: timedelta, *, attempt: int | None = None
) -> bool:
    """Back to queued, due after `delay`; the mail-service's sweep announces it then."""
    done = await _transition(
        uow,
        email.id,
        EmailStatus.QUEUED,
        attempt=attempt,
        error=reason,
        next_attempt_at=_now() + delay,
        lease_expires_at=None,
    )
    return done is not None


async def reannounce_due_emails(uow: UnitOfWork, stale_after: timedelta, limit: int = 500) -> int:
    """Announce emails whose retry is due, whose announcement was lost, or whose sender died.
    Caller commits; returns the count."""
    now = _now()
    return await EMAIL_WORK.reannounce(
        uow,
        waiting_too_long=and_(
            due_now(now),
            # not announced since it fell due, nor within the last `stale_after`
            Email.announced_at
            < func.greatest(func.coalesce(Email.next_attempt_at, _EPOCH), now - stale_after),
        ),
        now=now,
        announce=lambda email: EmailRequested(tenant_id=email.tenant_id, email_id=email.id),
        limit=limit,
    )


def due_now(now: datetime) -> Any:
    """A waiting email may go: never tried, or its retry has fallen due."""
    return or_(Email.next_attempt_at.is_(None), Email.next_attempt_at <= now)


def audit_row(
    email: Email, *, from_email: str | None, status: AuditStatus, **values: Any
) -> EmailAudit:
    """An `email_audit` row describing one attempt at `email`."""
    return EmailAudit(
        id=uuid.uuid4(),
        tenant_id=email.tenant_id,
        email_id=email.id,
        trigger=email.trigger,
        report=email.report,
        export_job_id=email.export_job_id,
        requested_by=email.requested_by,
        from_email=from_email,
        to_addresses=email.to_addresses,
        cc_addresses=email.cc_addresses,
        bcc_addresses=email.bcc_addresses,
        subject=email.subject,
        attempt=email.attempts,
        status=status,
        **values,
    )


async def find_email(uow: UnitOfWork, tenant_id: str, email_id: uuid.UUID) -> Email | None:
    return await uow.session.scalar(
        select(Email).where(Email.id == email_id, Email.tenant_id == tenant_id)
    )
