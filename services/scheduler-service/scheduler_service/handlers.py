"""Event handlers of the scheduler-service, registered in `subscriptions()` at the bottom."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select

from shared.bus import Subscription
from shared.db import UnitOfWork
from shared.db.models import ScheduleRun
from shared.events import ExportFinished, Streams
from shared.runtime import Infrastructure

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchedulerDeps:
    infra: Infrastructure

    def uow(self) -> UnitOfWork:
        return self.infra.uow()


async def note_export_finished(event: ExportFinished, deps: SchedulerDeps) -> bool:
    """Record a scheduled run's export outcome; exports nobody scheduled are ignored.
    Returns whether the export belonged to a run."""
    async with deps.uow() as uow:
        run = await uow.session.scalar(
            select(ScheduleRun).where(
                ScheduleRun.export_job_id == event.job_id,
                ScheduleRun.tenant_id == event.tenant_id,
            )
        )
        if run is None:
            return False
        log.info("scheduled export finished", extra={"run_id": str(run.id), "status": event.status})
        return True


def subscriptions(deps: SchedulerDeps) -> list[Subscription]:
    async def on_export_finished(event: ExportFinished) -> None:
        await note_export_finished(event, deps)

    return [Subscription(Streams.EXPORT_FINISHED, on_export_finished)]
