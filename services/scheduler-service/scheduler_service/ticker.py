"""The ticker: turn due schedules into runs, exactly once, whatever the number of replicas.

Due schedules are locked with `FOR UPDATE SKIP LOCKED` over the `(enabled, next_run_at)` index,
so an idle tick reads nothing and replicas split the work. Each schedule's run row (unique key:
schedule id + scheduled instant), its advanced `next_run_at` and the `schedule.run_due` event
commit together. After downtime, only the latest missed slot runs, and only if it is within the
catch-up window; older slots are recorded as `missed`, never sent in a burst.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from shared.domain import schedules
from shared.domain.recurrence import latest_run_at_or_before, next_run
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule, ScheduleRun
from shared.infra.settings import Settings
from shared.states import FINAL_RUN_STATES, RunStatus

log = logging.getLogger(__name__)


async def tick(
    uow: Callable[[], UnitOfWork], settings: Settings, now: datetime | None = None
) -> int:
    """Advance every due schedule; returns how many were advanced. `now` is injectable."""
    now = now or datetime.now(UTC)
    window = timedelta(seconds=settings.scheduler_catch_up_seconds)
    advanced = 0
    while True:
        async with uow() as work:
            due = list(
                await work.session.scalars(
                    select(ReportSchedule)
                    .where(ReportSchedule.enabled.is_(True), ReportSchedule.next_run_at <= now)
                    .order_by(ReportSchedule.next_run_at)
                    .limit(settings.scheduler_tick_batch)
                    .with_for_update(skip_locked=True)
                )
            )
            if not due:
                return advanced
            # Without autoflush each run's INSERT would first flush the previous schedule's
            # UPDATE and outbox row, one round trip each; at commit they go out together.
            with work.session.no_autoflush:
                for schedule in due:
                    await _advance(work, schedule, now, window)
            await work.commit()
        advanced += len(due)


async def _advance(
    uow: UnitOfWork, schedule: ReportSchedule, now: datetime, window: timedelta
) -> None:
    slot = schedule.next_run_at
    assert slot is not None
    try:
        latest = latest_run_at_or_before(schedule.cron, schedule.timezone, now, slot) or slot
        following = next_run(schedule.cron, schedule.timezone, now)
    except ValueError as exc:
        # A schedule whose recurrence no longer parses must not block the others.
        schedule.enabled = False
        schedule.next_run_at = None
        schedule.paused_reason = f"paused: its recurrence cannot be computed ({exc})"
        log.error("schedule paused: bad recurrence", extra={"schedule_id": str(schedule.id)})
        return
    if latest > slot:
        await schedules.create_run(
            uow,
            schedule,
            slot,
            status=RunStatus.MISSED,
            error=f"missed while the scheduler was not running (slots from {slot.isoformat()} "
            f"to before {latest.isoformat()})",
        )
    if now - latest <= window:
        await schedules.create_run(uow, schedule, latest)
    else:
        await schedules.create_run(
            uow,
            schedule,
            latest,
            status=RunStatus.MISSED,
            error=f"more than {window} late when the scheduler came back; not sent",
        )
    schedule.next_run_at = following


async def prune_runs(
    uow: Callable[[], UnitOfWork], settings: Settings, now: datetime | None = None
) -> int:
    """Delete finished runs older than the retention period."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=settings.scheduler_run_retention_days)
    async with uow() as work:
        result = await work.session.execute(
            delete(ScheduleRun).where(
                ScheduleRun.status.in_(FINAL_RUN_STATES), ScheduleRun.created_at < cutoff
            )
        )
        await work.commit()
    return int(getattr(result, "rowcount", 0) or 0)
