"""A schedule's runs for the gateway: the history of one schedule, and one run in detail.

Runs are visible as their schedule is: admins see the tenant's, users their own schedules'.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select

from api_gateway.http.pagination import newest_first, page
from api_gateway.http.problems import ProblemError
from api_gateway.schedules.schemas import RunDetailPublic, RunPublic
from api_gateway.schedules.use_cases import find_schedule, visible_schedules
from shared.domain.bounces.recipients import audit_outcomes
from shared.domain.run_retries import run_retry
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email, EmailAudit, ExportJob, ReportSchedule, ScheduleRun
from shared.infra.tokens import Principal

RUN_NOT_FOUND = "no such schedule run"


def _with_email(query: Select[Any], tenant_id: str) -> Select[Any]:
    """Each run with its email (None before it has one): a waiting retry lives on the email."""
    return query.add_columns(Email).outerjoin(
        Email, (Email.id == ScheduleRun.email_id) & (Email.tenant_id == tenant_id)
    )


async def list_runs(
    uow: UnitOfWork,
    principal: Principal,
    schedule_id: uuid.UUID,
    *,
    limit: int,
    cursor: str | None,
    run_max_attempts: int,
) -> tuple[list[RunPublic], str | None]:
    """A schedule's runs, newest first, each with the retry it waits for."""
    schedule = await find_schedule(uow, principal, schedule_id)
    query = newest_first(
        _with_email(
            select(ScheduleRun).where(
                ScheduleRun.schedule_id == schedule.id,
                ScheduleRun.tenant_id == principal.tenant_id,
            ),
            principal.tenant_id,
        ),
        ScheduleRun.created_at,
        ScheduleRun.id,
        cursor,
        limit,
    )
    rows = [(run, email) for run, email in await uow.session.execute(query)]
    kept, next_cursor = page(rows, limit, lambda row: (row[0].created_at, row[0].id))
    return [
        RunPublic.from_row(run, run_retry(run, email, run_max_attempts)) for run, email in kept
    ], next_cursor


async def read_run(
    uow: UnitOfWork, principal: Principal, run_id: uuid.UUID, *, run_max_attempts: int
) -> RunDetailPublic:
    """A run with its export's outcome, every send attempt and the retry it waits for;
    visible as its schedule is."""
    found = (
        await uow.session.execute(
            _with_email(
                select(ScheduleRun)
                .join(ReportSchedule, ReportSchedule.id == ScheduleRun.schedule_id)
                .where(
                    ScheduleRun.id == run_id,
                    ScheduleRun.tenant_id == principal.tenant_id,
                    visible_schedules(principal),
                ),
                principal.tenant_id,
            )
        )
    ).first()
    if found is None:
        raise ProblemError(404, RUN_NOT_FOUND)
    run, email = found
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
    outcomes = await audit_outcomes(uow.session, audit)
    return RunDetailPublic.from_rows(
        run, job, audit, run_retry(run, email, run_max_attempts), outcomes
    )
