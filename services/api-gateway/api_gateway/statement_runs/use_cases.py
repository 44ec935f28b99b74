"""Statement run use cases for the gateway: start one, read it, list them, resend failures.

The rules live in `shared.domain.statement_runs` (the scheduler starts runs with the same
function); here the request becomes a `NewStatementRun` and refusals become problems. Every
role may start a run, as every role may send a ledger statement; a user sees their own runs,
an admin the tenant's.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from sqlalchemy import select

from api_gateway.http.pagination import newest_first, page
from api_gateway.http.problems import ProblemError, refusal_problem
from api_gateway.http.tenancy import tenant_today
from api_gateway.statement_runs.schemas import StatementRunCreate, StatementRunPublic
from shared.domain import statement_runs
from shared.domain.statement_runs import StatementRunError
from shared.infra.db import UnitOfWork
from shared.infra.db.models import StatementRun
from shared.infra.settings import Settings
from shared.infra.tokens import Principal


async def start_run(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    body: StatementRunCreate,
    idempotency_key: str | None,
) -> tuple[StatementRun, bool]:
    try:
        body.check_selection()
        if body.period is not None:
            if body.from_date is not None or body.to_date is not None:
                raise StatementRunError("period", "give a period or from_date and to_date")
            start, end = body.dates(await tenant_today(uow, principal.tenant_id))
        elif body.from_date is None or body.to_date is None:
            missing = "from_date" if body.from_date is None else "to_date"
            raise StatementRunError(missing, "give from_date and to_date, or a period")
        else:
            if body.n is not None:
                raise StatementRunError("n", "n applies only to the period last_n_days")
            start, end = body.from_date, body.to_date
        new = body.new_run(
            tenant_id=principal.tenant_id,
            requested_by=principal.user_id,
            trigger="manual",
            start=start,
            end=end,
        )
        new = replace(new, idempotency_key=idempotency_key, body=body.model_dump(mode="json"))
        run, created = await statement_runs.start_statement_run(uow, settings, new)
    except StatementRunError as exc:
        raise refusal_problem(exc) from None
    await uow.commit()
    return run, created


async def find_run(uow: UnitOfWork, principal: Principal, run_id: uuid.UUID) -> StatementRun:
    run = await statement_runs.find_run(
        uow, principal.tenant_id, run_id, None if principal.is_admin else principal.user_id
    )
    if run is None:
        raise ProblemError(404, "no such statement run", code="statement_run_not_found")
    return run


async def run_public(uow: UnitOfWork, run: StatementRun) -> StatementRunPublic:
    return StatementRunPublic.of(run, await statement_runs.run_counts(uow, run.id))


async def list_runs(
    uow: UnitOfWork, principal: Principal, *, limit: int, cursor: str | None
) -> tuple[list[StatementRunPublic], str | None]:
    query = select(StatementRun).where(StatementRun.tenant_id == principal.tenant_id)
    if not principal.is_admin:
        query = query.where(StatementRun.requested_by == principal.user_id)
    rows = list(
        await uow.session.scalars(
            newest_first(query, StatementRun.created_at, StatementRun.id, cursor, limit)
        )
    )
    runs, next_cursor = page(rows, limit, lambda run: (run.created_at, run.id))
    return [await run_public(uow, run) for run in runs], next_cursor


async def resend_failed(
    uow: UnitOfWork, settings: Settings, principal: Principal, run_id: uuid.UUID
) -> tuple[int, StatementRun]:
    run = await find_run(uow, principal, run_id)
    try:
        resent = await statement_runs.resend_failed(uow, settings, run)
    except StatementRunError as exc:
        raise refusal_problem(exc) from None
    return resent, run
