"""Moments as the tenant reads them: in the tenant's timezone, with its abbreviation.

Everything a party or a user reads, the "Generated ..." line of a PDF or XLSX and the "works
until ..." of a link in an email, goes through here, so an Asia/Kolkata tenant sees
`04-12-2026 22:23 IST` and never UTC. Moments are stored and compared in UTC; only their
printing is local. The tenant's zone is `tenants.timezone` (default Asia/Kolkata).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Kolkata"  # tenants.timezone's server default
DOCUMENT_FORMAT = "%d-%m-%Y %H:%M"  # as the documents print dates: 04-12-2026


@lru_cache(maxsize=64)
def tenant_zone(name: str | None) -> ZoneInfo:
    """The zone named `name`; the default for an empty or unknown name (a stored value is
    checked when saved, so an unknown one means a zone the machine no longer knows)."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_moment(moment: datetime, zone: str | None) -> datetime:
    """`moment` in the tenant's zone (a naive moment is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tenant_zone(zone))


def zone_abbreviation(moment: datetime) -> str:
    """`IST`, `GST`; `UTC+04` where the zone has no letters for itself (tzdata writes `+04`)."""
    name = moment.tzname() or "UTC"
    return f"UTC{name}" if name[:1] in "+-" else name


def local_stamp(moment: datetime, zone: str | None, fmt: str = DOCUMENT_FORMAT) -> str:
    """`moment` printed in the tenant's zone with the zone's abbreviation:
    `04-12-2026 22:23 IST`."""
    return stamp(local_moment(moment, zone), fmt)


def stamp(local: datetime, fmt: str = DOCUMENT_FORMAT) -> str:
    """A moment already in the tenant's zone (a document header's `generated_at`), printed
    with the zone's abbreviation."""
    return f"{local.strftime(fmt)} {zone_abbreviation(local)}"


def now_in(zone: str | None) -> datetime:
    """The present moment in the tenant's zone (what a document says it was generated at)."""
    return datetime.now(tenant_zone(zone))
