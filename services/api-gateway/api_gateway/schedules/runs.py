"""A schedule's runs for the gateway: the history of one schedule, and one run in detail.

Runs are visible as their schedule is: admins see the tenant's, users their own schedules'.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from api_gateway.http.pagination import newest_first, page
from api_gateway.http.problems import ProblemError
from api_gateway.schedules.schemas import RunDetailPublic
from api_gateway.schedules.use_cases import find_schedule, visible_schedules
from shared.infra.db import UnitOfWork
from shared.infra.db.models import EmailAudit, ExportJob, ReportSchedule, ScheduleRun
from shared.infra.tokens import Principal

RUN_NOT_FOUND = "no such schedule run"


async def list_runs(
    uow: UnitOfWork, principal: Principal, schedule_id: uuid.UUID, *, limit: int, cursor: str | None
) -> tuple[list[ScheduleRun], str | None]:
    """A schedule's runs, newest first."""
    schedule = await find_schedule(uow, principal, schedule_id)
    query = newest_first(
        select(ScheduleRun).where(
            ScheduleRun.schedule_id == schedule.id, ScheduleRun.tenant_id == principal.tenant_id
        ),
        ScheduleRun.created_at,
        ScheduleRun.id,
        cursor,
        limit,
    )
    rows = list(await uow.session.scalars(query))
    return page(rows, limit, lambda run: (run.created_at, run.id))


async def read_run(uow: UnitOfWork, principal: Principal, run_id: uuid.UUID) -> RunDetailPublic:
    """A run with its export's outcome and every send attempt; visible as its schedule is."""
    run = await uow.session.scalar(
        select(ScheduleRun)
        .join(ReportSchedule, ReportSchedule.id == ScheduleRun.schedule_id)
        .where(
            ScheduleRun.id == run_id,
            ScheduleRun.tenant_id == principal.tenant_id,
            visible_schedules(principal),
        )
    )
    if run is None:
        raise ProblemError(404, RUN_NOT_FOUND)
    job = None
    if run.export_job_id is not None:
        job = await uow.session.scalar(
            select(ExportJob).where(
                ExportJob.id == run.export_job_id, ExportJob.tenant_id == principal.tenant_id
            )
        )
    audit: list[EmailAudit] = []
    if run.email_id is not None:
        audit = list(
            await uow.session.scalars(
                select(EmailAudit)
                .where(
                    EmailAudit.email_id == run.email_id,
                    EmailAudit.tenant_id == principal.tenant_id,
                )
                .order_by(EmailAudit.created_at, EmailAudit.attempt, EmailAudit.id)
            )
        )
    return RunDetailPublic.from_rows(run, job, audit)
