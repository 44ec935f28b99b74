"""Event handlers of the mail-service, registered in `subscriptions()` at the bottom."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from shared.bus import Subscription
from shared.db import UnitOfWork
from shared.db.models import Email
from shared.events import EmailRequested, ExportFinished, Streams
from shared.runtime import Infrastructure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailDeps:
    infra: Infrastructure

    def uow(self) -> UnitOfWork:
        return self.infra.uow()


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


def subscriptions(deps: MailDeps) -> list[Subscription]:
    async def on_export_finished(event: ExportFinished) -> None:
        await wake_waiting_emails(event, deps)

    return [Subscription(Streams.EXPORT_FINISHED, on_export_finished)]
