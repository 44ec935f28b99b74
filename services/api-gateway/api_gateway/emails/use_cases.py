"""Reading emails and the email audit, scoped to what the caller may see."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, or_, select

from api_gateway.http.pagination import newest_first, page
from api_gateway.http.problems import ProblemError
from api_gateway.http.tenancy import day_start, tenant_timezone
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email, EmailAudit, EmailBounce
from shared.infra.tokens import Principal
from shared.states import AuditStatus


@dataclass(frozen=True)
class AuditFilters:
    status: AuditStatus | None = None
    trigger: str | None = None
    report: str | None = None
    recipient: str | None = None
    from_date: date | None = None  # the tenant's local dates, inclusive
    to_date: date | None = None
    # Only the attempts that sent an email a recipient's mailbox later bounced.
    bounced: bool = False


async def find_email(uow: UnitOfWork, principal: Principal, email_id: uuid.UUID) -> Email:
    """The email if the caller may see it (admins: the tenant's; users: their own), else 404."""
    query = select(Email).where(Email.id == email_id, Email.tenant_id == principal.tenant_id)
    if not principal.is_admin:
        query = query.where(Email.requested_by == principal.user_id)
    email = await uow.session.scalar(query)
    if email is None:
        raise ProblemError(404, "no such email")
    return email


async def last_error_class(uow: UnitOfWork, email: Email) -> str | None:
    """How the email's last failed attempt is filed in the audit (None without a failure)."""
    if email.error is None:
        return None
    query = (
        select(EmailAudit.error_class)
        .where(EmailAudit.tenant_id == email.tenant_id, EmailAudit.email_id == email.id)
        .where(EmailAudit.error_class.is_not(None))
        .order_by(EmailAudit.created_at.desc())
        .limit(1)
    )
    error_class: str | None = await uow.session.scalar(query)
    return error_class


async def list_audit(
    uow: UnitOfWork, principal: Principal, filters: AuditFilters, *, limit: int, cursor: str | None
) -> tuple[list[EmailAudit], str | None]:
    query = select(EmailAudit).where(EmailAudit.tenant_id == principal.tenant_id)
    if not principal.is_admin:
        query = query.where(EmailAudit.requested_by == principal.user_id)
    if filters.status:
        query = query.where(EmailAudit.status == filters.status)
    if filters.trigger:
        query = query.where(EmailAudit.trigger == filters.trigger)
    if filters.report:
        query = query.where(EmailAudit.report == filters.report)
    if filters.recipient:
        # LIKE wildcards in the filter are matched literally.
        address = filters.recipient.strip().lower()
        address = address.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        lowered = [
            func.array_to_string(column, ",").ilike(f"%{address}%")
            for column in (
                EmailAudit.to_addresses,
                EmailAudit.cc_addresses,
                EmailAudit.bcc_addresses,
            )
        ]
        query = query.where(or_(*lowered))
    if filters.bounced:
        query = query.where(
            EmailAudit.status == AuditStatus.SENT,
            exists().where(
                EmailBounce.email_id == EmailAudit.email_id,
                EmailBounce.tenant_id == EmailAudit.tenant_id,
            ),
        )
    if filters.from_date or filters.to_date:
        zone = ZoneInfo(await tenant_timezone(uow, principal.tenant_id))
        if filters.from_date:
            start = day_start(filters.from_date, zone, "from_date")
            query = query.where(EmailAudit.created_at >= start)
        if filters.to_date:
            end = day_start(filters.to_date, zone, "to_date", next_day=True)
            query = query.where(EmailAudit.created_at < end)
    query = newest_first(query, EmailAudit.created_at, EmailAudit.id, cursor, limit)
    rows = list(await uow.session.scalars(query))
    return page(rows, limit, lambda row: (row.created_at, row.id))
