"""Schedule use cases for the gateway: save, read, list, pause, resume, run now, preview.

Users manage their own schedules, admins every schedule of the tenant; anything else is 404.
The gateway only writes the schedule and, for "run now", a pending run: the scheduler-service
ticks `next_run_at` and drives the runs. Writes lock the schedule row (`FOR UPDATE`) so a run
finishing at the same moment (which updates the failure count and may pause the schedule)
is never overwritten by a stale copy.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import and_, delete, select

from api_gateway.http.pagination import newest_first, page
from api_gateway.http.problems import ProblemError
from api_gateway.schedules.limits import check_room_for_one_more, count_run_now
from api_gateway.schedules.rules import (
    CheckedSchedule,
    check_schedule,
    checked_recurrence,
    next_run_from_now,
    preview_from_now,
)
from api_gateway.schedules.schemas import PreviewPublic, PreviewRequest, ScheduleWrite
from shared.domain.schedules import create_run
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule, ScheduleRun
from shared.infra.settings import Settings
from shared.infra.tokens import Principal

log = logging.getLogger(__name__)

NOT_FOUND = "no such schedule"
# Run keys are at most 200 characters; a longer client key is stored by its digest.
_MAX_RAW_KEY = 200 - len("manual::") - 36


def _now() -> datetime:
    return datetime.now(UTC)


def visible_schedules(principal: Principal) -> Any:
    """Admins see the tenant's schedules, users their own."""
    clause = ReportSchedule.tenant_id == principal.tenant_id
    if not principal.is_admin:
        clause = and_(clause, ReportSchedule.owner == principal.user_id)
    return clause


async def find_schedule(
    uow: UnitOfWork, principal: Principal, schedule_id: uuid.UUID, *, for_update: bool = False
) -> ReportSchedule:
    """The schedule if the caller may manage it; 404 otherwise."""
    query = select(ReportSchedule).where(
        ReportSchedule.id == schedule_id, visible_schedules(principal)
    )
    if for_update:
        query = query.with_for_update()
    row = await uow.session.scalar(query)
    if row is None:
        raise ProblemError(404, NOT_FOUND)
    return row


async def create_schedule(
    uow: UnitOfWork, settings: Settings, principal: Principal, body: ScheduleWrite
) -> ReportSchedule:
    """Validate and store a new schedule (committed), owned by the caller."""
    checked = await check_schedule(uow, settings, principal, body)
    await check_room_for_one_more(uow, settings, principal)
    # Every column is given, so the returned row needs no reload after the commit.
    row = ReportSchedule(
        id=uuid.uuid4(),
        tenant_id=principal.tenant_id,
        owner=principal.user_id,
        owner_email=principal.email,
        enabled=body.enabled,
        next_run_at=next_run_from_now(checked.cron, checked.timezone) if body.enabled else None,
        paused_reason=None if body.enabled else _paused_by(principal),
        last_run_at=None,
        last_run_status=None,
        consecutive_failures=0,
        created_at=_now(),
        updated_at=None,
    )
    _apply(row, body, checked)
    uow.session.add(row)
    await uow.commit()
    _log("created", principal, row.id)
    return row


async def replace_schedule(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    schedule_id: uuid.UUID,
    body: ScheduleWrite,
) -> ReportSchedule:
    """Replace every field of a schedule (committed); the owner stays the same."""
    row = await find_schedule(uow, principal, schedule_id, for_update=True)
    checked = await check_schedule(uow, settings, principal, body)
    # Editing the subject must not move (or skip) the next run: keep it when timing is the same.
    keep_next = (
        row.enabled
        and row.next_run_at is not None
        and (row.cron, row.timezone) == (checked.cron, checked.timezone)
    )
    was_enabled = row.enabled
    _apply(row, body, checked)
    if body.enabled and not was_enabled:
        _resume(row)
    elif body.enabled and not keep_next:
        row.next_run_at = next_run_from_now(row.cron, row.timezone)
    elif not body.enabled and was_enabled:
        _pause(row, principal)
    row.updated_at = _now()
    await uow.commit()
    _log("updated", principal, row.id)
    return row


async def delete_schedule(uow: UnitOfWork, principal: Principal, schedule_id: uuid.UUID) -> None:
    """Delete a schedule and, by cascade, its runs' history (committed)."""
    deleted = await uow.session.scalar(
        delete(ReportSchedule)
        .where(ReportSchedule.id == schedule_id, visible_schedules(principal))
        .returning(ReportSchedule.id)
    )
    if deleted is None:
        raise ProblemError(404, NOT_FOUND)
    await uow.commit()
    _log("deleted", principal, schedule_id)


async def list_schedules(
    uow: UnitOfWork, principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[ReportSchedule], str | None]:
    """Newest first; the page and the cursor of the next one (None at the end)."""
    query = newest_first(
        select(ReportSchedule).where(visible_schedules(principal)),
        ReportSchedule.created_at,
        ReportSchedule.id,
        cursor,
        limit,
    )
    rows = list(await uow.session.scalars(query))
    return page(rows, limit, lambda row: (row.created_at, row.id))


async def pause_schedule(
    uow: UnitOfWork, principal: Principal, schedule_id: uuid.UUID
) -> ReportSchedule:
    """Stop the schedule's runs; pausing a paused schedule keeps its first reason."""
    row = await find_schedule(uow, principal, schedule_id, for_update=True)
    if row.enabled:
        _pause(row, principal)
        row.updated_at = _now()
        await uow.commit()
        _log("paused", principal, row.id)
    return row


async def resume_schedule(
    uow: UnitOfWork, principal: Principal, schedule_id: uuid.UUID
) -> ReportSchedule:
    """Run again from the next slot after now (slots missed while paused are not caught up)."""
    row = await find_schedule(uow, principal, schedule_id, for_update=True)
    if not row.enabled or row.next_run_at is None:
        _resume(row)
        row.updated_at = _now()
        await uow.commit()
        _log("resumed", principal, row.id)
    return row


async def run_now(
    uow: UnitOfWork,
    redis: Redis,
    settings: Settings,
    principal: Principal,
    schedule_id: uuid.UUID,
    idempotency_key: str | None,
) -> ScheduleRun:
    """A manual run, now (committed and announced); `next_run_at` is left alone.
    The same Idempotency-Key on the same schedule gives the same run (and is not counted
    again against the send rate)."""
    schedule = await find_schedule(uow, principal, schedule_id)
    if idempotency_key:
        key = f"manual:{schedule.id}:{_key_part(idempotency_key)}"
        if (earlier := await _run_with_key(uow, schedule.id, key)) is not None:
            return earlier
    else:
        key = f"manual:{uuid.uuid4()}"
    await count_run_now(redis, settings, principal)
    # None means the key exists already: nothing was inserted or announced.
    if await create_run(uow, schedule, _now(), trigger="manual", key=key) is not None:
        await uow.commit()
        _log("run requested", principal, schedule.id)
    run = await _run_with_key(uow, schedule.id, key)
    assert run is not None
    return run


async def _run_with_key(uow: UnitOfWork, schedule_id: uuid.UUID, key: str) -> ScheduleRun | None:
    return await uow.session.scalar(
        select(ScheduleRun).where(
            ScheduleRun.idempotency_key == key, ScheduleRun.schedule_id == schedule_id
        )
    )


async def preview_schedule(
    uow: UnitOfWork, principal: Principal, schedule_id: uuid.UUID, count: int
) -> PreviewPublic:
    """The saved schedule's next `count` run times (even while paused)."""
    row = await find_schedule(uow, principal, schedule_id)
    return preview_from_now(row.cron, row.timezone, count)


async def preview_recurrence(
    uow: UnitOfWork, principal: Principal, body: PreviewRequest, count: int
) -> PreviewPublic:
    """The next `count` run times of an unsaved recurrence."""
    cron, zone = await checked_recurrence(uow, principal.tenant_id, body)
    return preview_from_now(cron, zone, count)


def _apply(row: ReportSchedule, body: ScheduleWrite, checked: CheckedSchedule) -> None:
    row.name = body.name
    row.kind = body.kind
    row.report = body.report
    row.format = body.format
    row.params = checked.params
    row.cron = checked.cron
    row.timezone = checked.timezone
    row.recipients = checked.recipients
    row.subject = checked.subject
    row.message = body.message or None
    row.enabled = body.enabled
    row.skip_if_empty = body.skip_if_empty


def _pause(row: ReportSchedule, principal: Principal) -> None:
    row.enabled = False
    row.next_run_at = None
    row.paused_reason = _paused_by(principal)


def _resume(row: ReportSchedule) -> None:
    row.enabled = True
    row.consecutive_failures = 0
    row.paused_reason = None
    row.next_run_at = next_run_from_now(row.cron, row.timezone)


def _paused_by(principal: Principal) -> str:
    return f"paused by {principal.email}"


def _key_part(key: str) -> str:
    if len(key) <= _MAX_RAW_KEY:
        return key
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def _log(action: str, principal: Principal, schedule_id: uuid.UUID) -> None:
    log.info(
        "schedule changed",
        extra={
            "action": action,
            "tenant_id": principal.tenant_id,
            "schedule_id": str(schedule_id),
            "by": principal.user_id,
        },
    )
