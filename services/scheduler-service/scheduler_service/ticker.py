"""The ticker: turn due schedules into runs, exactly once, whatever the number of replicas.

Due schedules are locked in batches with `FOR UPDATE SKIP LOCKED` over the
`(enabled, next_run_at)` index, so an idle tick reads nothing and replicas split the work.
A batch is handled as a set: the catch-up rules (`catch_up.py`) are evaluated once per
recurrence, then one statement inserts every run (unique key: schedule id + scheduled instant,
`ON CONFLICT DO NOTHING`), one records the `schedule.run_due` events in the outbox and one
moves every `next_run_at`; all commit together. After downtime, only the latest missed slot
runs, and only if it is within the catch-up window; older slots are recorded as `missed`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, delete, select, text, update

from shared.domain import schedules
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule, ScheduleRun, Tenant
from shared.infra.settings import Settings
from shared.states import FINAL_RUN_STATES

from .catch_up import Advance, CatchUp, DueSchedule

log = logging.getLogger(__name__)

_MOVE_NEXT_RUNS = text(
    "UPDATE report_schedules AS s SET next_run_at = m.next_run_at "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:next_run_at AS timestamptz[])) AS m(id, next_run_at) "
    "WHERE s.id = m.id"
)


def due_schedules(now: datetime, limit: int) -> Select[uuid.UUID, str, str, str, datetime | None]:
    """The next batch of due schedules, locked, skipping those another replica holds. A
    disabled tenant's schedules wait (its slots are missed, by the catch-up rules, if it is
    enabled again)."""
    # NOT IN over a (hashed) list of the few disabled tenants stays a filter on the index scan;
    # NOT EXISTS was planned as an anti-join that read and sorted every due row, and made the
    # idle tick grow with the table (bench_scheduler: "not an Index Scan").
    disabled = ReportSchedule.tenant_id.not_in(
        select(Tenant.id).where(Tenant.disabled_at.is_not(None)).scalar_subquery()
    )
    return (
        select(
            ReportSchedule.id,
            ReportSchedule.tenant_id,
            ReportSchedule.cron,
            ReportSchedule.timezone,
            ReportSchedule.next_run_at,
        )
        .where(ReportSchedule.enabled.is_(True), ReportSchedule.next_run_at <= now, disabled)
        .order_by(ReportSchedule.next_run_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def tick(
    uow: Callable[[], UnitOfWork], settings: Settings, now: datetime | None = None
) -> int:
    """Advance every due schedule; returns how many were advanced. `now` is injectable."""
    catch_up = CatchUp(
        now or datetime.now(UTC), timedelta(seconds=settings.scheduler_catch_up_seconds)
    )
    first = await _advance_batch(uow, settings, catch_up)
    if first < settings.scheduler_tick_batch:
        return first  # an idle tick, or the usual few: one query, one transaction
    # A burst: like replicas, the loops split the rest through SKIP LOCKED.
    loops = (
        _advance_batches(uow, settings, catch_up)
        for _ in range(settings.scheduler_concurrent_batches)
    )
    return first + sum(await asyncio.gather(*loops))


async def _advance_batches(
    uow: Callable[[], UnitOfWork], settings: Settings, catch_up: CatchUp
) -> int:
    advanced = 0
    while advanced_now := await _advance_batch(uow, settings, catch_up):
        advanced += advanced_now
    return advanced


async def _advance_batch(
    uow: Callable[[], UnitOfWork], settings: Settings, catch_up: CatchUp
) -> int:
    """Lock the next batch of due schedules, advance it, commit; returns its size."""
    async with uow() as work:
        rows = await work.session.execute(
            due_schedules(catch_up.now, settings.scheduler_tick_batch)
        )
        due = [
            DueSchedule(row.id, row.tenant_id, row.cron, row.timezone, row.next_run_at)
            for row in rows
        ]
        if due:
            await _advance(work, due, catch_up)
            await work.commit()
    return len(due)


async def _advance(work: UnitOfWork, due: Sequence[DueSchedule], catch_up: CatchUp) -> None:
    runs: list[schedules.NewRun] = []
    moved: list[tuple[uuid.UUID, datetime]] = []
    paused: defaultdict[str, list[uuid.UUID]] = defaultdict(list)
    for schedule in due:
        outcome = catch_up.outcome(schedule)
        if not isinstance(outcome, Advance):
            # A schedule whose recurrence no longer computes must not block the others.
            paused[outcome.reason].append(schedule.id)
            continue
        runs += [
            schedules.NewRun(
                schedule.tenant_id, schedule.id, run.scheduled_for, run.status, run.error
            )
            for run in outcome.runs
        ]
        moved.append((schedule.id, outcome.next_run_at))
    await schedules.create_runs(work, runs)
    if moved:
        ids, next_runs = zip(*moved, strict=True)
        await work.session.execute(_MOVE_NEXT_RUNS, {"ids": ids, "next_run_at": next_runs})
    for reason, paused_ids in paused.items():
        await work.session.execute(
            update(ReportSchedule)
            .where(ReportSchedule.id.in_(paused_ids))
            .values(enabled=False, next_run_at=None, paused_reason=reason)
        )
        log.error(
            "schedules paused: bad recurrence", extra={"schedule_ids": [str(i) for i in paused_ids]}
        )


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
