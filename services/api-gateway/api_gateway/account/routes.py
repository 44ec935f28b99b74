"""Who is calling (what the app needs to set itself up), and the admin's view of the tenant."""

from __future__ import annotations

from fastapi import APIRouter

from api_gateway.account.schemas import MePublic, TenantPublic, TenantSummary, TenantUpdate
from api_gateway.account.use_cases import caller_tenant, update_tenant
from api_gateway.http.deps import AdminUser, CurrentUser, SettingsDep, UowDep
from shared.infra.db.models import Tenant

router = APIRouter(tags=["me"])
admin_router = APIRouter(prefix="/admin", tags=["admin"])


@router.get("/me")
async def read_me(user: CurrentUser, uow: UowDep) -> MePublic:
    """The caller and their tenant."""
    tenant = await caller_tenant(uow, user.tenant_id)
    return MePublic(
        user_id=user.user_id,
        email=user.email,
        role=user.role,
        tenant=TenantSummary(id=tenant.id, name=tenant.name, timezone=tenant.timezone),
    )


@admin_router.get("/tenant")
async def read_tenant(admin: AdminUser, uow: UowDep) -> TenantPublic:
    """The caller's tenant: name, timezone, internal email domains, its settings (ageing
    buckets, CSV byte-order mark) and the company profile printed on the letterhead (admins)."""
    return _tenant_public(await caller_tenant(uow, admin.tenant_id))


@admin_router.put("/tenant")
async def change_tenant(
    body: TenantUpdate, admin: AdminUser, uow: UowDep, settings: SettingsDep
) -> TenantPublic:
    """Change the tenant's settings (`ageing_buckets`, `csv_byte_order_mark`, the letterhead's
    company profile); a field left out keeps its value, "" clears a profile field."""
    return _tenant_public(await update_tenant(uow, admin.tenant_id, body, settings))


def _tenant_public(tenant: Tenant) -> TenantPublic:
    return TenantPublic(
        id=tenant.id,
        name=tenant.name,
        timezone=tenant.timezone,
        internal_domains=list(tenant.internal_domains),
        ageing_buckets=list(tenant.ageing_buckets),
        legal_name=tenant.legal_name,
        address=list(tenant.address),
        gstin=tenant.gstin,
        pan=tenant.pan,
        phone=tenant.phone,
        email=tenant.email,
        csv_byte_order_mark=tenant.csv_byte_order_mark,
    )
