"""Report schedules: users manage their own, admins the tenant's; the scheduler runs them."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api_gateway.http.deps import CurrentUser, IdempotencyKey, InfraDep, SettingsDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.http.pagination import Cursor
from api_gateway.schedules.runs import list_runs, read_run
from api_gateway.schedules.schemas import (
    DEFAULT_PREVIEW,
    MAX_PREVIEW,
    PreviewPublic,
    PreviewRequest,
    RunDetailPublic,
    RunPage,
    RunPublic,
    SchedulePage,
    SchedulePublic,
    ScheduleWrite,
)
from api_gateway.schedules.use_cases import (
    create_schedule,
    delete_schedule,
    find_schedule,
    list_schedules,
    pause_schedule,
    preview_recurrence,
    preview_schedule,
    replace_schedule,
    resume_schedule,
    run_now,
)

router = APIRouter(tags=["schedules"])

MAX_PAGE_SIZE = 100
Count = Annotated[int, Query(ge=1, le=MAX_PREVIEW, description="How many run times.")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)]


@router.post("/schedules", status_code=201, responses=problems(404, 409))
async def create(
    body: ScheduleWrite, user: CurrentUser, uow: UowDep, settings: SettingsDep, response: Response
) -> SchedulePublic:
    """Create a schedule (cron or preset); it first runs at `next_run_at`."""
    row = await create_schedule(uow, settings, user, body)
    response.headers["Location"] = f"/api/v1/schedules/{row.id}"
    return SchedulePublic.from_row(row)


@router.get("/schedules")
async def list_all(
    user: CurrentUser, uow: UowDep, limit: Limit = 20, cursor: Cursor = None
) -> SchedulePage:
    """The caller's schedules (admins: the tenant's), newest first."""
    rows, next_cursor = await list_schedules(uow, user, limit=limit, cursor=cursor)
    return SchedulePage(items=[SchedulePublic.from_row(r) for r in rows], next_cursor=next_cursor)


@router.post("/schedules/preview")
async def preview_unsaved(
    body: PreviewRequest, user: CurrentUser, uow: UowDep, count: Count = DEFAULT_PREVIEW
) -> PreviewPublic:
    """The next run times of an unsaved recurrence (`cron` or `preset`, `timezone`)."""
    return await preview_recurrence(uow, user, body, count)


@router.get("/schedules/{schedule_id:uuid}", responses=problems(404))
async def read(schedule_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> SchedulePublic:
    """One schedule with its next run and the outcome of the last one."""
    return SchedulePublic.from_row(await find_schedule(uow, user, schedule_id))


@router.put("/schedules/{schedule_id:uuid}", responses=problems(404, 409))
async def replace(
    schedule_id: uuid.UUID,
    body: ScheduleWrite,
    user: CurrentUser,
    uow: UowDep,
    settings: SettingsDep,
) -> SchedulePublic:
    """Replace every field of a schedule."""
    return SchedulePublic.from_row(await replace_schedule(uow, settings, user, schedule_id, body))


@router.delete("/schedules/{schedule_id:uuid}", status_code=204, responses=problems(404))
async def remove(schedule_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> Response:
    """Delete a schedule and its run history."""
    await delete_schedule(uow, user, schedule_id)
    return Response(status_code=204)


@router.get("/schedules/{schedule_id:uuid}/preview", responses=problems(404))
async def preview_saved(
    schedule_id: uuid.UUID, user: CurrentUser, uow: UowDep, count: Count = DEFAULT_PREVIEW
) -> PreviewPublic:
    """The schedule's next run times, local (with offset) and UTC."""
    return await preview_schedule(uow, user, schedule_id, count)


@router.post("/schedules/{schedule_id:uuid}/pause", responses=problems(404))
async def pause(schedule_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> SchedulePublic:
    """Stop running the schedule until it is resumed."""
    return SchedulePublic.from_row(await pause_schedule(uow, user, schedule_id))


@router.post("/schedules/{schedule_id:uuid}/resume", responses=problems(404))
async def resume(schedule_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> SchedulePublic:
    """Run the schedule again from its next slot; the failure count starts over."""
    return SchedulePublic.from_row(await resume_schedule(uow, user, schedule_id))


@router.post(
    "/schedules/{schedule_id:uuid}/run", status_code=202, responses=problems(404, 409, 429)
)
async def run(
    schedule_id: uuid.UUID,
    user: CurrentUser,
    uow: UowDep,
    infra: InfraDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> RunPublic:
    """Run the schedule now, once, without moving its next run (counts as a manual send)."""
    created = await run_now(uow, infra.redis, settings, user, schedule_id, idempotency_key)
    response.headers["Location"] = f"/api/v1/schedule-runs/{created.id}"
    return RunPublic.from_row(created)


@router.get("/schedules/{schedule_id:uuid}/runs", responses=problems(404))
async def runs(
    schedule_id: uuid.UUID,
    user: CurrentUser,
    uow: UowDep,
    settings: SettingsDep,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> RunPage:
    """The schedule's runs, newest first; `retry` says what a waiting run waits for."""
    items, next_cursor = await list_runs(
        uow,
        user,
        schedule_id,
        limit=limit,
        cursor=cursor,
        run_max_attempts=settings.scheduler_run_max_attempts,
    )
    return RunPage(items=items, next_cursor=next_cursor)


@router.get("/schedule-runs/{run_id:uuid}", responses=problems(404))
async def read_one_run(
    run_id: uuid.UUID, user: CurrentUser, uow: UowDep, settings: SettingsDep
) -> RunDetailPublic:
    """One run with its export's outcome, every send attempt (oldest first) and its retry."""
    return await read_run(uow, user, run_id, run_max_attempts=settings.scheduler_run_max_attempts)
