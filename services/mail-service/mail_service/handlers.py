"""Event handlers of the mail-service, registered in `subscriptions()` at the bottom."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from shared import emails, metrics
from shared.bus import Subscription
from shared.db.models import Email
from shared.events import EmailRequested, ExportFinished, Streams

from .deps import MailDeps
from .sending import send_emails

log = logging.getLogger(__name__)


async def wake_waiting_emails(event: ExportFinished, deps: MailDeps) -> int:
    """An export finished: every email waiting on it is announced again, so it gets sent
    (or fails with the export's reason). Returns how many were woken."""
    async with deps.uow() as uow:
        waiting = await uow.session.scalars(
            select(Email.id).where(
                Email.export_job_id == event.job_id,
                Email.tenant_id == event.tenant_id,
                Email.status == "queued",
            )
        )
        count = 0
        for email_id in waiting:
            uow.publish(EmailRequested(tenant_id=event.tenant_id, email_id=email_id))
            count += 1
        await uow.commit()
    return count


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
        await wake_waiting_emails(event, deps)

    return [
        Subscription(Streams.EMAIL_REQUESTED, on_email_requested, on_give_up, on_emails_requested),
        Subscription(Streams.EXPORT_FINISHED, on_export_finished),
    ]
