"""The caller's tenant as the API needs it: its timezone, and today's date there."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from shared.infra.db import UnitOfWork
from shared.infra.db.models import Tenant

DEFAULT_TIMEZONE = "Asia/Kolkata"


async def tenant_timezone(uow: UnitOfWork, tenant_id: str) -> str:
    """The IANA zone the tenant keeps its books in."""
    zone = await uow.session.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id))
    return zone or DEFAULT_TIMEZONE


async def tenant_today(uow: UnitOfWork, tenant_id: str) -> date:
    """Today's date where the tenant keeps its books."""
    return datetime.now(ZoneInfo(await tenant_timezone(uow, tenant_id))).date()
