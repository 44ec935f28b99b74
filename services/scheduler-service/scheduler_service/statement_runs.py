"""A schedule of the statement-run kind: at its time, start the statement run.

"On the 1st at 09:00, last month, Sundry Debtors": the schedule keeps the run's options as its
`params`; each run resolves the period on its own local date and starts the run with the same
function as the API, in the runner's transaction. The schedule's run is then over
(`succeeded`): the statements are the statement run's items, followed there. A run that
cannot start (the quota, parties without email, a group that is gone) fails with the reason,
and its owner is told, as for any failed run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shared.domain import schedules
from shared.domain.statement_runs import StatementRunError, start_statement_run
from shared.domain.statement_runs.options import run_from_schedule
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule, ScheduleRun
from shared.infra.settings import Settings
from shared.states import RunStatus


async def start_scheduled_statement_run(
    uow: UnitOfWork, settings: Settings, run: ScheduleRun, schedule: ReportSchedule
) -> str | None:
    """Start the statement run (caller commits); the reason it could not, else None."""
    local_day = run.scheduled_for.astimezone(ZoneInfo(schedule.timezone)).date()
    try:
        new = run_from_schedule(
            schedule.params,
            format=schedule.format,
            tenant_id=schedule.tenant_id,
            owner=schedule.owner,
            local_day=local_day,
            schedule_run_id=run.id,
        )
        await start_statement_run(uow, settings, new)
    except StatementRunError as exc:
        return f"the statement run could not start: {exc.message}"
    except ValidationError as exc:
        return f"the schedule's statement run options are invalid: {exc.errors()[0]['msg']}"
    await schedules.transition_run(
        uow,
        run.id,
        RunStatus.SENDING,
        attempts=run.attempts + 1,
        started_at=run.started_at or datetime.now(UTC),
        next_attempt_at=None,
        error=None,
    )
    return None
