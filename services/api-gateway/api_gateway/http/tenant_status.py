"""Whether a caller's tenant is known and active: every request asks, few reach the database."""

from __future__ import annotations

import time
from typing import Literal

from fastapi import Request
from sqlalchemy import select

from shared.infra.db.models import Tenant
from shared.infra.runtime import Infrastructure

TenantState = Literal["active", "disabled"]
# An active tenant is remembered this long, so a tenant disabled through another gateway
# process is refused here within this time (at once through this one: see `forget`).
TENANT_CACHE_SECONDS = 60.0


class TenantStatusCache:
    """ "active", "disabled" or None (unknown) for a tenant id; only "active" is cached."""

    def __init__(self) -> None:
        self._active_until: dict[str, float] = {}

    async def __call__(self, request: Request, tenant_id: str) -> TenantState | None:
        now = time.monotonic()
        if self._active_until.get(tenant_id, 0.0) > now:
            return "active"
        infra: Infrastructure = request.app.state.infra
        async with infra.sessions() as session:
            row = (
                await session.execute(select(Tenant.disabled_at).where(Tenant.id == tenant_id))
            ).first()
        if row is None:
            return None
        if row.disabled_at is not None:
            return "disabled"
        self._active_until[tenant_id] = now + TENANT_CACHE_SECONDS
        return "active"

    def forget(self, tenant_id: str) -> None:
        """Drop what is remembered of a tenant (it was just changed through this process)."""
        self._active_until.pop(tenant_id, None)
