"""Who is calling: what the app needs to set itself up (role, tenant name and timezone)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from shared.db.models import Tenant

from ..deps import CurrentUser, UowDep

router = APIRouter(tags=["me"])


class TenantSummary(BaseModel):
    id: str
    name: str
    timezone: str


class MePublic(BaseModel):
    user_id: str
    email: str
    role: str
    tenant: TenantSummary


@router.get("/me")
async def read_me(user: CurrentUser, uow: UowDep) -> MePublic:
    """The caller and their tenant."""
    tenant = await uow.session.scalar(select(Tenant).where(Tenant.id == user.tenant_id))
    assert tenant is not None  # authentication proved it exists
    return MePublic(
        user_id=user.user_id,
        email=user.email,
        role=user.role,
        tenant=TenantSummary(id=tenant.id, name=tenant.name, timezone=tenant.timezone),
    )
