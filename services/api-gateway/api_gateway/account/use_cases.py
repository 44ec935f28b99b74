"""The caller's own tenant, as the account screens and the app's start-up read it, and the
settings its admin changes."""

from __future__ import annotations

from api_gateway.account.profile import apply_profile
from api_gateway.account.schemas import TenantUpdate
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Tenant
from shared.infra.settings import Settings


async def caller_tenant(uow: UnitOfWork, tenant_id: str) -> Tenant:
    """The authenticated caller's tenant; authentication already proved that it exists."""
    tenant = await uow.session.get(Tenant, tenant_id)
    assert tenant is not None
    return tenant


async def update_tenant(
    uow: UnitOfWork, tenant_id: str, body: TenantUpdate, settings: Settings
) -> Tenant:
    """Save the settings the body carries (each field already checked by its model, the
    company profile's cross-field rules by `apply_profile`); keep the others."""
    tenant = await caller_tenant(uow, tenant_id)
    if body.ageing_buckets is not None:
        tenant.ageing_buckets = list(body.ageing_buckets)
    if body.csv_byte_order_mark is not None:
        tenant.csv_byte_order_mark = body.csv_byte_order_mark
    apply_profile(tenant, body, settings)
    await uow.commit()
    return tenant
