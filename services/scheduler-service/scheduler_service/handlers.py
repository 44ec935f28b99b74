"""Event handlers of the scheduler-service, registered in `subscriptions()` at the bottom."""

from __future__ import annotations

from shared.bus import Subscription
from shared.events import EmailFinished, ExportFinished, ScheduleRunDue, Streams

from .runner import SchedulerDeps, email_done, export_done, start_run


def subscriptions(deps: SchedulerDeps) -> list[Subscription]:
    async def on_run_due(event: ScheduleRunDue) -> None:
        await start_run(event, deps)

    async def on_export_finished(event: ExportFinished) -> None:
        await export_done(event, deps)

    async def on_email_finished(event: EmailFinished) -> None:
        await email_done(event, deps)

    return [
        Subscription(Streams.SCHEDULE_RUN_DUE, on_run_due),
        Subscription(Streams.EXPORT_FINISHED, on_export_finished),
        Subscription(Streams.EMAIL_FINISHED, on_email_finished),
    ]
