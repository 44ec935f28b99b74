"""The caller's own tenant, as the account screens and the app's start-up read it."""

from __future__ import annotations

from shared.infra.db import UnitOfWork
from shared.infra.db.models import Tenant


async def caller_tenant(uow: UnitOfWork, tenant_id: str) -> Tenant:
    """The authenticated caller's tenant; authentication already proved that it exists."""
    tenant = await uow.session.get(Tenant, tenant_id)
    assert tenant is not None
    return tenant
