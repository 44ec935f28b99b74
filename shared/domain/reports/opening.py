"""Opening a report's document as every reader of it sees it: the tenant's letterhead on top
and the "Generated ..." moment in the tenant's timezone.

One path for the export-service's renders and the gateway's on-screen preview, so the screen
and the file carry the same header block.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from shared.domain.local_time import local_moment
from shared.domain.reports.definitions import ReportDefinition
from shared.domain.reports.document import Letterhead, ReportSource
from shared.domain.reports.labels import Labels

_TENANT_PROFILE = (
    "SELECT name, legal_name, address, gstin, pan, phone, email, timezone FROM tenants"
    " WHERE id = $1"
)


class TenantGoneError(LookupError):
    """The tenant a document is for no longer exists."""


def letterhead_of(tenant: Any) -> Letterhead:
    """The company block every document opens with: the tenant's profile, or its name alone."""
    return Letterhead(
        name=tenant["legal_name"] or tenant["name"],
        address=tuple(tenant["address"] or ()),
        gstin=tenant["gstin"],
        pan=tenant["pan"],
        phone=tenant["phone"],
        email=tenant["email"],
    )


def in_tenant_time(source: ReportSource, timezone: str) -> ReportSource:
    """The source with its `generated_at` in the tenant's zone: every writer prints the
    moment it carries (`shared.domain.local_time.stamp`), so the document reads IST."""
    generated_at = local_moment(source.header.generated_at, timezone)
    return replace(source, header=replace(source.header, generated_at=generated_at))


async def open_document(
    conn: Any,
    report: ReportDefinition[Any, Any, Any],
    tenant_id: str,
    params: Any,
    labels: Labels,
) -> ReportSource:
    """`report`'s source over a raw asyncpg connection, with the tenant's letterhead and the
    tenant's time; raises TenantGoneError for a tenant that no longer exists."""
    tenant = await conn.fetchrow(_TENANT_PROFILE, tenant_id)
    if tenant is None:
        raise TenantGoneError(tenant_id)
    letterhead = letterhead_of(tenant)
    source = await report.open_source(conn, tenant_id, letterhead.name, params, labels)
    source = replace(source, header=replace(source.header, letterhead=letterhead))
    return in_tenant_time(source, tenant["timezone"])
