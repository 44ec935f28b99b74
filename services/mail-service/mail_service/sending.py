"""Sending one email: wait for its export, claim it, attach or link the file, send, audit.

At-least-once delivery never becomes a double send: the claim is a lease-guarded conditional
UPDATE, so an email already `sent` is not sent again and one `sending` under a live lease is
left alone. The one crash window is after the server's 250 and before our commit: the resend
that follows carries the same Message-ID, and the audit shows both attempts.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from shared import emails, metrics
from shared.addresses import is_internal_address
from shared.crypto import SecretBox
from shared.db import UnitOfWork
from shared.db.models import Email, EmailAudit, EmailSettings, ExportJob, Tenant
from shared.runtime import Infrastructure
from shared.storage import LocalStorage

from .compose import Sender, build_message, envelope_recipients
from .delivery import DeliveryRule, choose_delivery
from .smtp import SendFailure, SendResult, SmtpPool, SmtpTarget

log = logging.getLogger(__name__)

FINAL_EMAIL_STATES = frozenset({"sent", "failed", "rejected"})
# Claims beyond `max_attempts` that a lease take-over may add (a worker killed mid-send).
TAKE_OVER_ALLOWANCE = 2


@dataclass(frozen=True)
class MailDeps:
    infra: Infrastructure
    storage: LocalStorage
    pool: SmtpPool
    box: SecretBox

    def uow(self) -> UnitOfWork:
        return self.infra.uow()


@dataclass(frozen=True)
class SmtpConfig:
    target: SmtpTarget
    sender: Sender
    rule: DeliveryRule


def smtp_config(values: dict[str, Any], password: str | None) -> SmtpConfig:
    """SMTP settings from a stored row's or a test request's values."""
    target = SmtpTarget(
        host=values["host"],
        port=int(values["port"]),
        security=values["security"],
        username=values.get("username") or None,
        password=password,
        timeout=float(values.get("timeout_seconds") or 30),
    )
    sender = Sender(values["from_email"], values.get("from_name"), values.get("reply_to"))
    rule = DeliveryRule(
        max_attachment_bytes=int(values.get("max_attachment_mb") or 10) * 1024 * 1024,
        per_format=dict(values.get("delivery") or {}),
        link_ttl_days=int(values.get("link_ttl_days") or 7),
    )
    return SmtpConfig(target, sender, rule)


async def _load_config(uow: UnitOfWork, email: Email, box: SecretBox) -> SmtpConfig | None:
    if email.smtp_override:
        values = json.loads(box.decrypt(email.smtp_override))
        return smtp_config(values, values.get("password"))
    row = await uow.session.scalar(
        select(EmailSettings).where(EmailSettings.tenant_id == email.tenant_id)
    )
    if row is None:
        return None
    password = box.decrypt(row.password_encrypted) if row.password_encrypted else None
    values = {c.key: getattr(row, c.key) for c in EmailSettings.__table__.columns}
    return smtp_config(values, password)


async def _fail_before_sending(deps: MailDeps, email: Email, error_class: str, reason: str) -> None:
    async with deps.uow() as uow:
        if await emails.mark_failed(uow, email, reason):
            uow.session.add(
                emails.audit_row(
                    email,
                    from_email=None,
                    status="failed",
                    error_class=error_class,
                    error=reason,
                    finished_at=datetime.now(UTC),
                )
            )
        await uow.commit()
    log.warning("email failed before sending", extra={"email_id": str(email.id), "reason": reason})


async def send_email(email_id: uuid.UUID, tenant_id: str, deps: MailDeps) -> None:
    async with deps.uow() as uow:
        email = await emails.find_email(uow, tenant_id, email_id)
        job = None
        if email is not None and email.export_job_id is not None:
            job = await uow.session.scalar(
                select(ExportJob).where(ExportJob.id == email.export_job_id)
            )
        config = await _load_config(uow, email, deps.box) if email is not None else None
    if email is None or email.status in FINAL_EMAIL_STATES:
        return
    if job is not None and job.status in ("queued", "running"):
        return  # waits: export.finished announces it again
    if email.export_job_id is not None and (job is None or job.status != "succeeded"):
        why = job.error if job is not None and job.error else "the export is gone"
        reason = f"the report could not be produced: {why}"
        await _fail_before_sending(deps, email, "export_failed", reason)
        return
    if config is None:
        await _fail_before_sending(deps, email, "config", "SMTP is not configured for this tenant")
        return
    if email.report == "outstanding" and (outsiders := await _external_recipients(deps, email)):
        await _reject(deps, email, outsiders)
        return
    await _attempt(deps, email.id, tenant_id, job, config)


async def _external_recipients(deps: MailDeps, email: Email) -> list[str]:
    """The internal-only rule, checked again at send time: a domain removed since the request
    (or since a schedule was saved) stops the send."""
    async with deps.uow() as uow:
        domains = await uow.session.scalar(
            select(Tenant.internal_domains).where(Tenant.id == email.tenant_id)
        )
    recipients = (*email.to_addresses, *email.cc_addresses, *email.bcc_addresses)
    return [a for a in recipients if not is_internal_address(a, domains or [])]


async def _reject(deps: MailDeps, email: Email, outsiders: list[str]) -> None:
    reason = "not sent: the outstanding report goes to internal addresses only, and these are " + (
        "not internal (any more): " + ", ".join(outsiders)
    )
    async with deps.uow() as uow:
        if await emails.mark_rejected(uow, email, reason):
            uow.session.add(
                emails.audit_row(
                    email,
                    from_email=None,
                    status="rejected",
                    error_class="policy",
                    error=reason,
                    finished_at=datetime.now(UTC),
                )
            )
        await uow.commit()


async def _attempt(
    deps: MailDeps, email_id: uuid.UUID, tenant_id: str, job: ExportJob | None, config: SmtpConfig
) -> None:
    settings = deps.infra.settings
    async with deps.uow() as uow:
        email = await emails.claim_email(
            uow, email_id, timedelta(seconds=settings.mail_lease_seconds)
        )
        if email is None:
            return  # sent meanwhile, leased by a live worker, or its retry is not due
        delivery = choose_delivery(job, config.rule, deps.storage, settings) if job else None
        audit = emails.audit_row(
            email,
            from_email=config.sender.from_email,
            status="sending",
            delivery_mode=delivery.mode if delivery else None,
            attachment_name=job.file_name if job else None,
            attachment_size=job.file_size if job else None,
        )
        uow.session.add(audit)
        await uow.commit()
    started = time.monotonic()
    if email.attempts > email.max_attempts + TAKE_OVER_ALLOWANCE:
        # Claimed again and again without an outcome (workers dying mid-send): stop here.
        failure = SendFailure("gave_up", f"gave up after {email.attempts - 1} attempts")
        await _record_failure(deps, email, audit.id, failure, 0.0)
        return
    try:
        message = build_message(
            email,
            config.sender,
            delivery.attachment if delivery else None,
            delivery.link if delivery else None,
        )
    except (OSError, ValueError) as exc:
        # The file vanished (expired, cleaned up) or a stored value cannot go in a header:
        # the email fails with the reason instead of staying `sending` and looping.
        failure = SendFailure("compose", f"the message could not be built: {exc}")
        await _record_failure(deps, email, audit.id, failure, time.monotonic() - started)
        return
    # A test send answers an admin who is waiting: it gets the SMTP timeout and no more.
    deadline = min(settings.mail_send_deadline_seconds, config.target.timeout * 3)
    if email.trigger == "test":
        deadline = config.target.timeout
    try:
        result = await deps.pool.send(
            config.target, message, config.sender.from_email, envelope_recipients(email), deadline
        )
    except SendFailure as failure:
        await _record_failure(deps, email, audit.id, failure, time.monotonic() - started)
        return
    await _record_success(deps, email, audit.id, result, time.monotonic() - started)


async def _finish_audit(
    uow: UnitOfWork, audit_id: uuid.UUID, duration: float, **values: Any
) -> None:
    await uow.session.execute(
        update(EmailAudit)
        .where(EmailAudit.id == audit_id)
        .values(duration_ms=int(duration * 1000), finished_at=datetime.now(UTC), **values)
    )


async def _record_success(
    deps: MailDeps, email: Email, audit_id: uuid.UUID, result: SendResult, duration: float
) -> None:
    async with deps.uow() as uow:
        await emails.mark_sent(uow, email)
        await _finish_audit(
            uow,
            audit_id,
            duration,
            status="sent",
            smtp_code=result.code,
            smtp_reply=result.reply[:2000],
            refused_recipients=result.refused or None,
        )
        await uow.commit()
    metrics.EMAILS_FINISHED.labels(email.trigger, "sent").inc()
    log.info("email sent", extra={"email_id": str(email.id), "refused": len(result.refused)})


async def _record_failure(
    deps: MailDeps, email: Email, audit_id: uuid.UUID, failure: SendFailure, duration: float
) -> None:
    settings = deps.infra.settings
    retry = not failure.permanent and email.attempts < email.max_attempts
    async with deps.uow() as uow:
        if retry:
            delay = emails.retry_delay(
                email.attempts, settings.mail_retry_base_seconds, settings.mail_retry_max_seconds
            )
            await emails.schedule_retry(uow, email, failure.reason, delay)
        else:
            await emails.mark_failed(uow, email, failure.reason)
        await _finish_audit(
            uow,
            audit_id,
            duration,
            status="retrying" if retry else "failed",
            smtp_code=failure.code,
            smtp_reply=(failure.reply or "")[:2000] or None,
            error_class=failure.error_class,
            error=failure.reason,
        )
        await uow.commit()
    metrics.EMAILS_FINISHED.labels(email.trigger, "retrying" if retry else "failed").inc()
    log.warning(
        "email attempt failed",
        extra={"email_id": str(email.id), "error_class": failure.error_class, "retry": retry},
    )
