"""Balance confirmations for the web app: the list by run and status, one with every answer,
and reminders now. Exports for the auditor are export jobs of the `confirmations` report."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api_gateway.confirmations import use_cases
from api_gateway.confirmations.schemas import (
    ConfirmationDetail,
    ConfirmationPage,
    ConfirmationStatusField,
    ReminderRequest,
    RemindersSent,
)
from api_gateway.http.deps import AdminUser, CurrentUser, InfraDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.http.pagination import Cursor
from shared.domain.periods import IsoDate

router = APIRouter(prefix="/confirmations", tags=["balance confirmations"])

MAX_PAGE_SIZE = 200


@router.get("")
async def list_confirmations(
    user: CurrentUser,
    uow: UowDep,
    statement_run_id: uuid.UUID | None = None,
    as_of: Annotated[IsoDate | None, Query()] = None,
    status: ConfirmationStatusField | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    cursor: Cursor = None,
) -> ConfirmationPage:
    """The tenant's confirmations newest first, with counts per status."""
    return await use_cases.list_confirmations(
        uow,
        user,
        statement_run_id=statement_run_id,
        as_of=as_of,
        status=status,
        limit=limit,
        cursor=cursor,
    )


@router.get("/{confirmation_id:uuid}", responses=problems(404))
async def read_confirmation(
    confirmation_id: uuid.UUID, user: CurrentUser, uow: UowDep
) -> ConfirmationDetail:
    """One confirmation with every answer the party gave, oldest first."""
    return await use_cases.read_confirmation(uow, user, confirmation_id)


@router.post("/reminders", status_code=202)
async def send_reminders(body: ReminderRequest, user: AdminUser, infra: InfraDep) -> RemindersSent:
    """Remind now the parties that have not answered and are due a reminder (the same rule as
    the scheduler's: after CONFIRMATION_REMINDER_AFTER_DAYS, at most CONFIRMATION_MAX_REMINDERS)."""
    return await use_cases.remind_now(infra, user, body.statement_run_id)
