"""Statement runs: start one, follow its progress and each ledger's outcome, resend failures."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api_gateway.http.deps import CurrentUser, IdempotencyKey, SettingsDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.http.pagination import Cursor
from api_gateway.statement_runs import use_cases
from api_gateway.statement_runs.schemas import (
    ITEMS_CURSOR_PATTERN,
    ItemStatusField,
    ResendPublic,
    StatementItemPage,
    StatementItemPublic,
    StatementRunCreate,
    StatementRunPage,
    StatementRunPublic,
)
from shared.domain import statement_runs

router = APIRouter(prefix="/statement-runs", tags=["statement runs"])

MAX_PAGE_SIZE = 100
MAX_ITEMS_PAGE_SIZE = 500


@router.post("", status_code=202, responses=problems(404, 409, 429))
async def create_statement_run(
    body: StatementRunCreate,
    user: CurrentUser,
    uow: UowDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> StatementRunPublic:
    """Email every ledger of a group (or the listed ledgers) its own statement, to its party."""
    run, _ = await use_cases.start_run(uow, settings, user, body, idempotency_key)
    response.headers["Location"] = f"/api/v1/statement-runs/{run.id}"
    return await use_cases.run_public(uow, run)


@router.get("")
async def list_statement_runs(
    user: CurrentUser,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    cursor: Cursor = None,
) -> StatementRunPage:
    """The caller's runs (admins: the tenant's), newest first, with their counts."""
    runs, next_cursor = await use_cases.list_runs(uow, user, limit=limit, cursor=cursor)
    return StatementRunPage(items=runs, next_cursor=next_cursor)


@router.get("/{run_id:uuid}", responses=problems(404))
async def read_statement_run(
    run_id: uuid.UUID, user: CurrentUser, uow: UowDep
) -> StatementRunPublic:
    """A run's progress: counts by status, skipped ones by reason."""
    return await use_cases.run_public(uow, await use_cases.find_run(uow, user, run_id))


@router.get("/{run_id:uuid}/items", responses=problems(404))
async def read_statement_run_items(
    run_id: uuid.UUID,
    user: CurrentUser,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=MAX_ITEMS_PAGE_SIZE)] = 100,
    cursor: Annotated[str | None, Query(pattern=ITEMS_CURSOR_PATTERN)] = None,
    status: ItemStatusField | None = None,
) -> StatementItemPage:
    """Each ledger's outcome in the ledgers' order (`status` filters, e.g. `failed`)."""
    run = await use_cases.find_run(uow, user, run_id)
    outcomes, last = await statement_runs.run_items(
        uow, run.id, after=int(cursor) if cursor else -1, limit=limit, status=status
    )
    return StatementItemPage(
        items=[StatementItemPublic.of(outcome) for outcome in outcomes],
        next_cursor=None if last is None else str(last),
    )


@router.post("/{run_id:uuid}/resend-failed", status_code=202, responses=problems(404, 429))
async def resend_failed_statements(
    run_id: uuid.UUID, user: CurrentUser, uow: UowDep, settings: SettingsDep
) -> ResendPublic:
    """Queue every failed statement of the run again (addresses as the directory has them now)."""
    resent, run = await use_cases.resend_failed(uow, settings, user, run_id)
    return ResendPublic(resent=resent, run=await use_cases.run_public(uow, run))
