"""Helpers for scheduler tests: schedules written straight to the database, the three workers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from export_service.bootstrap import build_worker as export_worker
from scheduler_service.bootstrap import build_worker as scheduler_worker
from scheduler_service.runner import SchedulerDeps
from sqlalchemy import select

from shared.infra.bus import StreamConsumer
from shared.infra.db.models import ReportSchedule, ScheduleRun
from shared.infra.runtime import Infrastructure

from .mailing import mail_worker


async def create_schedule(
    infra: Infrastructure, tenant_id: str, *, next_run_at: datetime | None, **values: Any
) -> uuid.UUID:
    row: dict[str, Any] = {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "owner": "u1",
        "owner_email": "owner@example.in",
        "name": "Monthly statement",
        "report": "ledger",
        "format": "csv",
        "params": {"ledger": "Sharma Traders", "period": "last_month"},
        "cron": "0 9 * * *",
        "timezone": "Asia/Kolkata",
        "recipients": {"to": ["party@example.in"], "cc": [], "bcc": []},
        "enabled": True,
        "skip_if_empty": False,
        "next_run_at": next_run_at,
    }
    row.update(values)
    async with infra.uow() as uow:
        uow.session.add(ReportSchedule(**row))
        await uow.commit()
    return uuid.UUID(str(row["id"]))


def workers(infra: Infrastructure) -> tuple[list[StreamConsumer], SchedulerDeps]:
    """The export, mail and scheduler consumers (and the scheduler's deps)."""
    scheduler, deps = scheduler_worker(infra)
    return [
        export_worker(infra)[0].consumer(),
        mail_worker(infra)[0],
        scheduler.consumer(),
    ], deps


async def runs_of(infra: Infrastructure, schedule_id: uuid.UUID) -> list[ScheduleRun]:
    async with infra.sessions() as session:
        return list(
            await session.scalars(
                select(ScheduleRun)
                .where(ScheduleRun.schedule_id == schedule_id)
                .order_by(ScheduleRun.scheduled_for)
            )
        )


async def schedule_row(infra: Infrastructure, schedule_id: uuid.UUID) -> ReportSchedule:
    async with infra.sessions() as session:
        found = await session.scalar(select(ReportSchedule).where(ReportSchedule.id == schedule_id))
    assert found is not None
    return found
