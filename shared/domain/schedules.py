"""Schedule runs: creation with an idempotency key, state changes, and a schedule's outcome.

A run's idempotency key is the schedule id plus the scheduled UTC instant (unique in the
database), so two scheduler replicas ticking at once can never create the same run twice; a
"run now" gets a fresh key of its own and does not move the regular next run.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert

from shared.events import ScheduleRunDue
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule, ScheduleRun
from shared.states import FINAL_RUN_STATES, SCHEDULE_RUN, RunStatus, allowed_sources


def _now() -> datetime:
    return datetime.now(UTC)


def slot_key(schedule_id: uuid.UUID, scheduled_for: datetime) -> str:
    return f"{schedule_id}:{scheduled_for.astimezone(UTC).isoformat()}"


async def create_run(
    uow: UnitOfWork,
    schedule: ReportSchedule,
    scheduled_for: datetime,
    *,
    trigger: str = "scheduled",
    status: RunStatus = RunStatus.PENDING,
    error: str | None = None,
    key: str | None = None,
) -> uuid.UUID | None:
    """Insert a run (announcing it unless it is recorded as `missed`); None when a run with the
    same key exists already (another replica got there first). Caller commits."""
    run_id = uuid.uuid4()
    key = key or slot_key(schedule.id, scheduled_for)
    inserted = await uow.session.scalar(
        insert(ScheduleRun)
        .values(
            id=run_id,
            tenant_id=schedule.tenant_id,
            schedule_id=schedule.id,
            idempotency_key=key,
            trigger=trigger,
            scheduled_for=scheduled_for,
            status=status,
            error=error,
            finished_at=_now() if status in FINAL_RUN_STATES else None,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(ScheduleRun.id)
    )
    if inserted is None:
        return None
    if status == RunStatus.PENDING:
        uow.publish(
            ScheduleRunDue(tenant_id=schedule.tenant_id, run_id=run_id, idempotency_key=key)
        )
    return run_id


async def transition_run(
    uow: UnitOfWork, run_id: uuid.UUID, target: RunStatus, **values: Any
) -> ScheduleRun | None:
    """Move a run to `target` if its current state allows it; None otherwise (a duplicate
    event, or the run moved on)."""
    if target in FINAL_RUN_STATES:
        values.setdefault("finished_at", _now())
    return await uow.session.scalar(
        update(ScheduleRun)
        .where(
            ScheduleRun.id == run_id, ScheduleRun.status.in_(allowed_sources(SCHEDULE_RUN, target))
        )
        .values(status=target, **values)
        .returning(ScheduleRun)
    )


async def record_outcome(
    uow: UnitOfWork, schedule_id: uuid.UUID, status: RunStatus, pause_after: int
) -> ReportSchedule | None:
    """Remember a finished run on its schedule; after `pause_after` failures in a row the
    schedule pauses itself and says why. Returns the schedule when it was just paused."""
    failed = status == RunStatus.FAILED
    schedule: ReportSchedule | None = await uow.session.scalar(
        update(ReportSchedule)
        .where(ReportSchedule.id == schedule_id)
        .values(
            last_run_status=status,
            last_run_at=_now(),
            consecutive_failures=(ReportSchedule.consecutive_failures + 1) if failed else 0,
        )
        .returning(ReportSchedule)
    )
    if schedule is None or not failed or schedule.consecutive_failures < pause_after:
        return None
    if not schedule.enabled:
        return None
    schedule.enabled = False
    schedule.paused_reason = (
        f"paused automatically after {schedule.consecutive_failures} failed runs in a row; "
        "fix the cause and resume it"
    )
    return schedule
