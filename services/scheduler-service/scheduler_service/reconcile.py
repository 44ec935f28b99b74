"""The scheduler's reconcile sweep: runs that wait for an event that may never come.

The runner moves a run on when an event arrives (`schedule.run_due`, `export.finished`,
`email.finished`). Redis carries those events, PostgreSQL the work, so a Redis wipe or a
stream trimmed during a backlog can lose one. Every `RECONCILE_INTERVAL_SECONDS` the sweep
reads the rows instead:
- `pending` runs whose announcement looks lost, and `retrying` runs whose retry is due, are
  announced again;
- `exporting` runs whose export job is final, and `sending` runs whose email is final, are
  moved on by the runner's own `export_done` / `email_done`, fed the event the export- or
  mail-service announced: one code path, whether the event arrived or not. If the event is
  merely late, whichever comes second finds the run moved on and does nothing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from shared.events import EmailFinished, ExportFinished, ScheduleRunDue
from shared.infra import metrics
from shared.infra.db.models import Email, ExportJob, ScheduleRun
from shared.states import FINAL_EMAIL_STATES, FINAL_EXPORT_STATES, ExportStatus, RunStatus

from .runner import STARTABLE, SchedulerDeps, email_done, export_done

log = logging.getLogger(__name__)

SWEEP_LIMIT = 500  # rows per kind and sweep; the next sweep takes the rest


async def reconcile(deps: SchedulerDeps) -> int:
    """One sweep: returns how many runs were announced again or moved on."""
    stale_after = timedelta(seconds=deps.infra.settings.export_lease_seconds)
    announced = await announce_due_retries(deps, stale_after)
    moved = await move_on_finished_work(deps)
    if announced or moved:
        metrics.RECONCILED.labels("schedule_run").inc(announced + moved)
    if moved:
        log.warning("moved on runs whose finished event was lost", extra={"count": moved})
    return announced + moved


async def announce_due_retries(deps: SchedulerDeps, stale_after: timedelta) -> int:
    """Announce retries that are due, and pending runs whose announcement was lost."""
    now = datetime.now(UTC)
    async with deps.uow() as uow:
        due = list(
            await uow.session.scalars(
                select(ScheduleRun)
                .where(
                    ScheduleRun.status.in_(STARTABLE),
                    (
                        (ScheduleRun.status == RunStatus.RETRYING)
                        & (ScheduleRun.next_attempt_at <= now)
                    )
                    | (
                        (ScheduleRun.status == RunStatus.PENDING)
                        & (ScheduleRun.created_at < now - stale_after)
                        & (
                            (ScheduleRun.next_attempt_at.is_(None))
                            | (ScheduleRun.next_attempt_at <= now)
                        )
                    ),
                )
                .limit(SWEEP_LIMIT)
                .with_for_update(skip_locked=True)
            )
        )
        for run in due:
            # Not again until the stale period has passed: the runner takes it from here.
            run.next_attempt_at = now + stale_after
            uow.publish(
                ScheduleRunDue(
                    tenant_id=run.tenant_id, run_id=run.id, idempotency_key=run.idempotency_key
                )
            )
        await uow.commit()
    return len(due)


async def move_on_finished_work(deps: SchedulerDeps) -> int:
    """Hand the runner the finished event of each run whose export or email is final while
    the run still waits for it; returns how many runs were handed one."""
    async with deps.uow() as uow:
        exported = (
            await uow.session.execute(
                select(ExportJob.tenant_id, ExportJob.id, ExportJob.status, ScheduleRun.id)
                .join(ScheduleRun, ScheduleRun.export_job_id == ExportJob.id)
                .where(
                    ScheduleRun.status == RunStatus.EXPORTING,
                    ExportJob.status.in_(FINAL_EXPORT_STATES),
                )
                .limit(SWEEP_LIMIT)
            )
        ).all()
        emailed = (
            await uow.session.execute(
                select(Email.tenant_id, Email.id, Email.status, ScheduleRun.id)
                .join(ScheduleRun, ScheduleRun.email_id == Email.id)
                .where(
                    ScheduleRun.status == RunStatus.SENDING,
                    Email.status.in_(FINAL_EMAIL_STATES),
                )
                .limit(SWEEP_LIMIT)
            )
        ).all()
    events: list[ExportFinished | EmailFinished] = [
        # The runner reads the job's row for the outcome. An expired job's file is gone: to
        # the run, that is an export that failed.
        ExportFinished(
            tenant_id=tenant_id,
            job_id=job_id,
            status=ExportStatus.SUCCEEDED
            if job_status == ExportStatus.SUCCEEDED
            else ExportStatus.FAILED,
            schedule_run_id=run_id,
        )
        for tenant_id, job_id, job_status, run_id in exported
    ]
    events += [
        EmailFinished(
            tenant_id=tenant_id, email_id=email_id, status=email_status, schedule_run_id=run_id
        )
        for tenant_id, email_id, email_status, run_id in emailed
    ]
    moved = 0
    for event in events:
        try:
            if isinstance(event, ExportFinished):
                await export_done(event, deps)
            else:
                await email_done(event, deps)
        except Exception:
            # One run that cannot be moved on must not hold back the others.
            log.exception("moving on a run failed", extra={"event": event.type})
        else:
            moved += 1
    return moved
