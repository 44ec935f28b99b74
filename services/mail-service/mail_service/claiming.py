"""Before sending: read a batch of requested emails, settle the ones that cannot be sent, claim
the rest.

One transaction for the whole batch: one query reads every email with its export job, its
tenant's SMTP settings and internal domains. An email whose report failed, whose tenant has no
SMTP settings or whose internal-only report (its definition's recipient policy) now names an
outside address is settled here with the reason and an audit row; one whose export still runs
waits (`export.finished` sends it: `handlers.send_waiting_emails`). The sendable ones are
claimed in one lease-guarded UPDATE, each with its `sending` audit row.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from shared.correlation import correlated
from shared.domain import email_claims, emails
from shared.domain.recipients import Recipients
from shared.domain.reports import REGISTRY
from shared.events import EmailRequested
from shared.infra.crypto import SecretBox
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email, EmailSettings, ExportJob, Tenant
from shared.states import (
    FINAL_EMAIL_STATES,
    FINAL_EXPORT_STATES,
    AuditStatus,
    EmailStatus,
    ExportStatus,
)

from .config import SmtpConfig, override_config, stored_config
from .delivery import Delivery, choose_delivery
from .deps import MailDeps

log = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "Asia/Kolkata"  # the tenants table's default, for a tenant row gone

_BATCH = (
    select(Email, ExportJob, EmailSettings, Tenant.internal_domains, Tenant.timezone)
    .outerjoin(ExportJob, ExportJob.id == Email.export_job_id)
    .outerjoin(EmailSettings, EmailSettings.tenant_id == Email.tenant_id)
    .outerjoin(Tenant, Tenant.id == Email.tenant_id)
)


@dataclass(frozen=True)
class Claimed:
    """An email this worker now holds under a lease, with everything needed to send it."""

    email: Email
    job: ExportJob | None
    config: SmtpConfig
    delivery: Delivery | None
    audit_id: uuid.UUID
    correlation_id: str
    timezone: str  # the tenant's: a link's expiry is written in it


@dataclass(frozen=True)
class _Refusal:
    status: AuditStatus  # failed | rejected: the email's final state and its audit row's
    error_class: str
    reason: str


class _Configs:
    """Each tenant's stored settings decrypted once per batch; a test's own settings per email."""

    def __init__(self, box: SecretBox) -> None:
        self._box = box
        self._stored: dict[str, SmtpConfig | None] = {}

    def for_email(self, email: Email, stored: EmailSettings | None) -> SmtpConfig | None:
        if email.smtp_override:
            return override_config(email, self._box)
        if email.tenant_id not in self._stored:
            config = stored_config(stored, self._box) if stored is not None else None
            self._stored[email.tenant_id] = config
        return self._stored[email.tenant_id]


def _refusal(
    email: Email, job: ExportJob | None, config: SmtpConfig | None, domains: list[str] | None
) -> _Refusal | None:
    """Why `email` cannot be sent, or None when it can."""
    if email.export_job_id is not None and (job is None or job.status != ExportStatus.SUCCEEDED):
        why = job.error if job is not None and job.error else "the export is gone"
        return _Refusal(
            AuditStatus.FAILED, "export_failed", f"the report could not be produced: {why}"
        )
    if config is None:
        return _Refusal(AuditStatus.FAILED, "config", "SMTP is not configured for this tenant")
    definition = REGISTRY.get(email.report) if email.report else None
    if definition is not None:
        # The report's recipient policy, checked again at send time: a domain removed since
        # the request (or since a schedule was saved) stops an internal-only report's send.
        recipients = Recipients(email.to_addresses, email.cc_addresses, email.bcc_addresses)
        outsiders = definition.recipients.outsiders(recipients, domains or [])
        if outsiders:
            reason = definition.refusal([address for _, address in outsiders])
            return _Refusal(AuditStatus.REJECTED, "policy", reason)
    return None


async def _settle(uow: UnitOfWork, email: Email, refusal: _Refusal) -> None:
    if refusal.status == AuditStatus.REJECTED:
        settled = await emails.mark_rejected(uow, email, refusal.reason)
    else:  # never under a live sender's feet (it may have claimed the email since we read it)
        settled = await emails.mark_failed(uow, email, refusal.reason, unless_leased=True)
    if settled:
        uow.session.add(
            emails.audit_row(
                email,
                from_email=None,
                status=refusal.status,
                error_class=refusal.error_class,
                error=refusal.reason,
                finished_at=datetime.now(UTC),
            )
        )
    log.warning("email not sent", extra={"email_id": str(email.id), "reason": refusal.reason})


async def claim_batch(requests: Sequence[EmailRequested], deps: MailDeps) -> list[Claimed]:
    """Settle what cannot be sent and claim what can, in one transaction."""
    wanted = {request.email_id: request for request in requests}
    configs = _Configs(deps.box)
    sendable: dict[uuid.UUID, tuple[ExportJob | None, SmtpConfig]] = {}
    zones: dict[uuid.UUID, str] = {}
    now = datetime.now(UTC)
    async with deps.uow() as uow:
        rows = (await uow.session.execute(_BATCH.where(Email.id.in_(wanted)))).all()
        for email, job, stored, domains, zone in rows:
            request = wanted[email.id]
            if email.tenant_id != request.tenant_id or email.status in FINAL_EMAIL_STATES:
                continue
            held_until = email.lease_expires_at
            if email.status == EmailStatus.SENDING and held_until is not None and held_until > now:
                continue  # a live sender holds it: its outcome is that sender's to record
            if job is not None and job.status not in FINAL_EXPORT_STATES:
                continue  # waits: its export.finished sends it
            with correlated(request.correlation_id):
                config = configs.for_email(email, stored)
                refusal = _refusal(email, job, config, domains)
                if refusal is not None:
                    await _settle(uow, email, refusal)
                elif config is not None:
                    sendable[email.id] = (job, config)
                    zones[email.id] = zone or DEFAULT_TIMEZONE
        lease = timedelta(seconds=deps.infra.settings.mail_lease_seconds)
        # Left out of the claim: sent meanwhile, leased by a live worker, or not yet due.
        claimed = await email_claims.claim_emails(uow, sendable, lease) if sendable else []
        batch = [
            _with_audit(uow, email, *sendable[email.id], zones[email.id], wanted, deps)
            for email in claimed
        ]
        await uow.commit()
    return batch


def _with_audit(
    uow: UnitOfWork,
    email: Email,
    job: ExportJob | None,
    config: SmtpConfig,
    timezone: str,
    requests: dict[uuid.UUID, EmailRequested],
    deps: MailDeps,
) -> Claimed:
    settings = deps.infra.settings
    delivery = choose_delivery(job, config.rule, deps.storage, settings) if job else None
    audit = emails.audit_row(
        email,
        from_email=config.sender.from_email,
        status=AuditStatus.SENDING,
        delivery_mode=delivery.mode if delivery else None,
        attachment_name=job.file_name if job else None,
        attachment_size=job.file_size if job else None,
    )
    uow.session.add(audit)
    correlation_id = requests[email.id].correlation_id
    return Claimed(email, job, config, delivery, audit.id, correlation_id, timezone)
