"""The host application's tenant routes: create or update a company, read it, disable it.

Disabling keeps everything: its users are refused (403 `tenant_disabled`), its schedules stop,
its files expire as usual; a PUT enables it again.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import func

from api_gateway.account.profile import apply_profile
from api_gateway.http.auth import service_principal
from api_gateway.http.deps import SettingsDep, UowDep
from api_gateway.http.problems import ProblemError
from api_gateway.http.tenant_status import TenantStatusCache
from api_gateway.tenants.schemas import TenantHostView, TenantIdPath, TenantWrite
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Tenant
from shared.infra.tokens import ServicePrincipal

router = APIRouter(prefix="/tenants", tags=["host: tenants"])
TenantsWriter = Annotated[ServicePrincipal, Depends(service_principal("tenants:write"))]


async def known_tenant(uow: UnitOfWork, tenant_id: str) -> Tenant:
    tenant = await uow.session.get(Tenant, tenant_id)
    if tenant is None:
        raise ProblemError(404, f"no tenant {tenant_id!r}", code="tenant_not_found")
    return tenant


@router.put(
    "/{tenant_id}",
    responses={201: {"model": TenantHostView, "description": "Created"}},
)
async def put_tenant(
    tenant_id: TenantIdPath,
    body: TenantWrite,
    service: TenantsWriter,
    uow: UowDep,
    settings: SettingsDep,
    request: Request,
    response: Response,
) -> TenantHostView:
    """Create the company, or replace its settings and profile (200); enables a disabled
    one. GSTIN, PAN, phone, email and address are checked as in `PUT /admin/tenant`."""
    tenant = await uow.session.get(Tenant, tenant_id)
    if tenant is None:
        tenant = Tenant(id=tenant_id)
        uow.session.add(tenant)
        response.status_code = 201
    tenant.name = body.name
    tenant.timezone = body.timezone
    tenant.default_language = body.default_language
    tenant.internal_domains = body.internal_domains
    tenant.disabled_at = None
    # A replace: what the host leaves out is cleared ("" and [] clear in `apply_profile`).
    profile = dict.fromkeys(("legal_name", "gstin", "pan", "phone", "email"), "")
    apply_profile(
        tenant,
        body.model_copy(update={**profile, "address": [], **body.model_dump(exclude_none=True)}),
        settings,
    )
    await uow.commit()
    await uow.session.refresh(tenant)
    _cache(request).forget(tenant_id)
    return _view(tenant)


@router.get("/{tenant_id}")
async def get_tenant(
    tenant_id: TenantIdPath,
    service: Annotated[ServicePrincipal, Depends(service_principal("tenants:write"))],
    uow: UowDep,
) -> TenantHostView:
    return _view(await known_tenant(uow, tenant_id))


@router.delete("/{tenant_id}", status_code=204)
async def disable_tenant(
    tenant_id: TenantIdPath, service: TenantsWriter, uow: UowDep, request: Request
) -> None:
    """Disable the company (idempotent): its users get 403, its schedules stop."""
    tenant = await known_tenant(uow, tenant_id)
    if tenant.disabled_at is None:
        tenant.disabled_at = func.now()
        await uow.commit()
    _cache(request).forget(tenant_id)


def _cache(request: Request) -> TenantStatusCache:
    cache: TenantStatusCache = request.app.state.tenant_status
    return cache


def _view(tenant: Tenant) -> TenantHostView:
    return TenantHostView(
        id=tenant.id,
        name=tenant.name,
        timezone=tenant.timezone,
        default_language=tenant.default_language,
        internal_domains=list(tenant.internal_domains),
        legal_name=tenant.legal_name,
        address=list(tenant.address),
        gstin=tenant.gstin,
        pan=tenant.pan,
        phone=tenant.phone,
        email=tenant.email,
        disabled=tenant.disabled_at is not None,
        disabled_at=tenant.disabled_at,
        created_at=tenant.created_at,
    )
