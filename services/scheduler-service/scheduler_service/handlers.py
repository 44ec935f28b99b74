"""Event handlers of the scheduler-service, registered in `subscriptions()` at the bottom."""

from __future__ import annotations

from shared.events import EmailFinished, ExportFinished, ScheduleRunDue, Streams
from shared.infra.bus import Subscription

from .runner import SchedulerDeps, email_done, export_done, give_up_run, start_run


def subscriptions(deps: SchedulerDeps) -> list[Subscription]:
    async def on_run_due(event: ScheduleRunDue) -> None:
        await start_run(event, deps)

    async def on_export_finished(event: ExportFinished) -> None:
        await export_done(event, deps)

    async def on_email_finished(event: EmailFinished) -> None:
        await email_done(event, deps)

    async def run_due_gave_up(event: ScheduleRunDue, reason: str) -> None:
        await give_up_run(deps, reason, id=event.run_id)

    async def export_gave_up(event: ExportFinished, reason: str) -> None:
        await give_up_run(deps, reason, export_job_id=event.job_id)

    async def email_gave_up(event: EmailFinished, reason: str) -> None:
        await give_up_run(deps, reason, email_id=event.email_id)

    return [
        Subscription(Streams.SCHEDULE_RUN_DUE, on_run_due, run_due_gave_up),
        Subscription(Streams.EXPORT_FINISHED, on_export_finished, export_gave_up),
        Subscription(Streams.EMAIL_FINISHED, on_email_finished, email_gave_up),
    ]
