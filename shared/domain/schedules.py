"""Schedule runs: creation with an idempotency key, state changes, and a schedule's outcome.

A run's idempotency key is the schedule id plus the scheduled UTC instant (unique in the
database), so two scheduler replicas ticking at once can never create the same run twice; a
"run now" gets a fresh key of its own and does not move the regular next run.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text, update

from shared.events import ScheduleRunDue
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule, ScheduleRun
from shared.states import FINAL_RUN_STATES, SCHEDULE_RUN, RunStatus, allowed_sources


def _now() -> datetime:
    return datetime.now(UTC)


def slot_key(schedule_id: uuid.UUID, scheduled_for: datetime) -> str:
    return f"{schedule_id}:{scheduled_for.astimezone(UTC).isoformat()}"


@dataclass(frozen=True, slots=True)
class NewRun:
    """A run to insert. Its key defaults to the slot's (schedule id + scheduled instant)."""

    tenant_id: str
    schedule_id: uuid.UUID
    scheduled_for: datetime
    status: RunStatus = RunStatus.PENDING
    error: str | None = None
    trigger: str = "scheduled"
    key: str | None = None

    @property
    def idempotency_key(self) -> str:
        return self.key or slot_key(self.schedule_id, self.scheduled_for)


# One statement for a whole batch: arrays in, one row per element out, ids drawn by the
# database. A key that exists already (another replica's run for the same slot) inserts
# nothing and returns nothing.
_INSERT_RUNS = text(
    """
    INSERT INTO schedule_runs (id, tenant_id, schedule_id, idempotency_key, trigger,
                               scheduled_for, status, error, finished_at)
    SELECT gen_random_uuid(), * FROM unnest(
        CAST(:tenants AS varchar[]), CAST(:schedules AS uuid[]), CAST(:keys AS varchar[]),
        CAST(:triggers AS varchar[]), CAST(:scheduled_for AS timestamptz[]),
        CAST(:statuses AS varchar[]), CAST(:errors AS text[]), CAST(:finished_at AS timestamptz[]))
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id, tenant_id, idempotency_key, status
    """
)


async def create_runs(uow: UnitOfWork, runs: Sequence[NewRun]) -> list[uuid.UUID]:
    """Insert runs with one statement, announcing each inserted `pending` one (a `missed` run
    is recorded, never sent); returns the ids inserted. A run whose key exists already
    (another replica got there first) is left out. Caller commits."""
    if not runs:
        return []
    finished_at = _now()
    result = await uow.session.execute(
        _INSERT_RUNS,
        {
            "tenants": [run.tenant_id for run in runs],
            "schedules": [run.schedule_id for run in runs],
            "keys": [run.idempotency_key for run in runs],
            "triggers": [run.trigger for run in runs],
            "scheduled_for": [run.scheduled_for for run in runs],
            "statuses": [run.status.value for run in runs],
            "errors": [run.error for run in runs],
            "finished_at": [
                finished_at if run.status in FINAL_RUN_STATES else None for run in runs
            ],
        },
    )
    inserted = result.all()
    await uow.publish_all(
        [
            ScheduleRunDue(
                tenant_id=row.tenant_id, run_id=row.id, idempotency_key=row.idempotency_key
            )
            for row in inserted
            if row.status == RunStatus.PENDING
        ]
    )
    return [row.id for row in inserted]


async def create_run(
    uow: UnitOfWork,
    schedule: ReportSchedule,
    scheduled_for: datetime,
    *,
    trigger: str = "scheduled",
    key: str | None = None,
) -> uuid.UUID | None:
    """Insert one pending run and announce it; None when a run with the same key exists
    already. Caller commits."""
    run = NewRun(schedule.tenant_id, schedule.id, scheduled_for, trigger=trigger, key=key)
    inserted = await create_runs(uow, [run])
    return inserted[0] if inserted else None


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
