"""The caller's tenant as the API needs it: its timezone, today's date there, and where a
local date filter starts as an instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Query
from sqlalchemy import select

from api_gateway.http.problems import field_error
from shared.domain.periods import IsoDate
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Tenant

DEFAULT_TIMEZONE = "Asia/Kolkata"
# Date filters accept this range: far inside what Python and PostgreSQL can hold in any
# timezone (0001-01-01 in Kolkata is a BC instant in UTC; the day after 9999-12-31 is no date).
EARLIEST_FILTER_DATE = date(1900, 1, 1)
LATEST_FILTER_DATE = date(9998, 12, 31)
# The years of that range, so the document says it (`day_start` refuses the rest, by name).
_FILTER_YEAR = "(19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])"
FilterDate = Annotated[
    IsoDate | None,
    Query(json_schema_extra={"pattern": f"^{_FILTER_YEAR}-[0-9]{{2}}-[0-9]{{2}}$"}),
]


async def tenant_timezone(uow: UnitOfWork, tenant_id: str) -> str:
    """The IANA zone the tenant keeps its books in."""
    zone = await uow.session.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id))
    return zone or DEFAULT_TIMEZONE


async def tenant_today(uow: UnitOfWork, tenant_id: str) -> date:
    """Today's date where the tenant keeps its books."""
    return datetime.now(ZoneInfo(await tenant_timezone(uow, tenant_id))).date()


def day_start(day: date, zone: ZoneInfo, field: str, *, next_day: bool = False) -> datetime:
    """The UTC instant `day` (or the day after it) begins in `zone`, for an inclusive local
    date filter; 422 naming `field` when the date is outside the accepted range."""
    if not EARLIEST_FILTER_DATE <= day <= LATEST_FILTER_DATE:
        raise field_error(
            field,
            f"must be between {EARLIEST_FILTER_DATE} and {LATEST_FILTER_DATE}",
            code="date_out_of_range",
        )
    if next_day:
        day += timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)
