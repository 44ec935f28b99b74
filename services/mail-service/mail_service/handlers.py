"""Event handlers of the mail-service, registered in `subscriptions()` at the bottom."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from shared.domain import emails
from shared.events import EmailRequested, ExportFinished, Streams
from shared.infra import metrics
from shared.infra.bus import Subscription
from shared.infra.db.models import Email
from shared.states import EmailStatus

from .deps import MailDeps
from .sending import send_emails

log = logging.getLogger(__name__)


async def send_waiting_emails(events: Sequence[ExportFinished], deps: MailDeps) -> int:
    """Exports finished: every email waiting on one is sent now (or fails with the export's
    reason), in this handler, each carrying its export's correlation id. Returns how many
    were waiting.

    Sent here rather than announced again on `email.requested`: the same claim, lease and
    audit as any send, without an outbox row, a relay round in every process and a second
    read of the stream per email. Should this handler fail, `export.finished` stays pending and
    comes back; an email it never reached stays queued, and the reconcile sweep announces it.
    """
    finished = {event.job_id: event for event in events}
    async with deps.uow() as uow:
        waiting = (
            await uow.session.execute(
                select(Email.id, Email.export_job_id, Email.tenant_id).where(
                    Email.export_job_id.in_(finished), Email.status == EmailStatus.QUEUED
                )
            )
        ).all()
    requests = [
        EmailRequested(
            tenant_id=tenant_id,
            email_id=email_id,
            correlation_id=finished[job_id].correlation_id,
        )
        for email_id, job_id, tenant_id in waiting
        if job_id is not None and finished[job_id].tenant_id == tenant_id
    ]
    if requests:
        await send_emails(requests, deps)
    return len(requests)


async def give_up_email(event: EmailRequested, reason: str, deps: MailDeps) -> None:
    """Delivery gave up: the email fails with the reason instead of waiting forever."""
    async with deps.uow() as uow:
        email = await emails.find_email(uow, event.tenant_id, event.email_id)
        if email is not None:
            reason = f"the email could not be processed ({reason})"
            # A live sender holding it decides its outcome; reconciliation covers a dead one.
            await emails.mark_failed(uow, email, reason, unless_leased=True)
        await uow.commit()


async def reconcile(deps: MailDeps) -> int:
    """Announce due retries, lost announcements and emails whose sender died mid-send."""
    stale_after = timedelta(seconds=deps.infra.settings.mail_lease_seconds)
    async with deps.uow() as uow:
        count = await emails.reannounce_due_emails(uow, stale_after)
        await uow.commit()
    if count:
        metrics.RECONCILED.labels("email").inc(count)
    return count


def subscriptions(deps: MailDeps) -> list[Subscription]:
    async def on_email_requested(event: EmailRequested) -> None:
        await send_emails([event], deps)

    async def on_emails_requested(events: list[EmailRequested]) -> None:
        await send_emails(events, deps)

    async def on_give_up(event: EmailRequested, reason: str) -> None:
        await give_up_email(event, reason, deps)

    async def on_export_finished(event: ExportFinished) -> None:
        await send_waiting_emails([event], deps)

    async def on_exports_finished(events: list[ExportFinished]) -> None:
        await send_waiting_emails(events, deps)

    return [
        Subscription(Streams.EMAIL_REQUESTED, on_email_requested, on_give_up, on_emails_requested),
        Subscription(Streams.EXPORT_FINISHED, on_export_finished, None, on_exports_finished),
    ]
