"""Emails and their audit: follow one email, list every attempt."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from api_gateway.emails.schemas import AuditPage, AuditPublic, EmailPublic, EmailTrigger
from api_gateway.emails.use_cases import AuditFilters, find_email, last_error_class, list_audit
from api_gateway.exports.schemas import AuditStatusField
from api_gateway.http.deps import CurrentUser, UowDep
from api_gateway.http.openapi import problems
from api_gateway.http.pagination import Cursor
from api_gateway.http.tenancy import FilterDate
from api_gateway.http.text_query import NO_NUL, text_query
from shared.domain.bounces.recipients import audit_outcomes, email_outcomes

router = APIRouter(tags=["emails"])

MAX_PAGE_SIZE = 100


@router.get("/emails/{email_id:uuid}", responses=problems(404))
async def read_email(email_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> EmailPublic:
    """One email's status (queued, sending, sent, failed, rejected), attempts and last error."""
    email = await find_email(uow, user, email_id)
    public = EmailPublic.from_row(email, await email_outcomes(uow.session, email))
    public.error_class = await last_error_class(uow, email)
    return public


@router.get("/email-audit")
async def read_email_audit(
    user: CurrentUser,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    cursor: Cursor = None,
    status: AuditStatusField | None = None,
    trigger: EmailTrigger | None = None,
    report: Annotated[str | None, text_query(), NO_NUL] = None,
    recipient: Annotated[str | None, text_query(320), NO_NUL] = None,
    from_date: FilterDate = None,
    to_date: FilterDate = None,
    only_bounced: Annotated[
        bool,
        Query(description="true: only attempts whose email bounced for a recipient later"),
    ] = False,
) -> AuditPage:
    """Every send attempt, newest first (admins: the tenant's; users: their own)."""
    filters = AuditFilters(status, trigger, report, recipient, from_date, to_date, only_bounced)
    rows, next_cursor = await list_audit(uow, user, filters, limit=limit, cursor=cursor)
    outcomes = await audit_outcomes(uow.session, rows)
    return AuditPage(items=AuditPublic.from_rows(rows, outcomes), next_cursor=next_cursor)
