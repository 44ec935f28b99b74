"""Tenant administration."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from shared.db.models import Tenant

from ..deps import AdminUser, UowDep

router = APIRouter(prefix="/admin", tags=["admin"])


class TenantPublic(BaseModel):
    id: str
    name: str
    timezone: str
    internal_domains: list[str]


@router.get("/tenant")
async def read_tenant(admin: AdminUser, uow: UowDep) -> TenantPublic:
    """The caller's tenant: name, timezone and internal email domains (admins only)."""
    tenant = await uow.session.scalar(select(Tenant).where(Tenant.id == admin.tenant_id))
    assert tenant is not None  # authentication already proved the tenant exists
    return TenantPublic(
        id=tenant.id,
        name=tenant.name,
        timezone=tenant.timezone,
        internal_domains=list(tenant.internal_domains),
    )
