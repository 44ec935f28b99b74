"""Who is calling (what the app needs to set itself up), and the admin's view of the tenant."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header

from api_gateway.account.language import resolve_language
from api_gateway.account.schemas import (
    MePublic,
    MeUpdate,
    TenantPublic,
    TenantSummary,
    TenantUpdate,
)
from api_gateway.account.use_cases import (
    caller_tenant,
    save_language,
    saved_language,
    update_tenant,
)
from api_gateway.http.deps import AdminUser, CurrentUser, SettingsDep, UowDep
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Tenant
from shared.infra.tokens import Principal
from shared.languages import language_of

router = APIRouter(tags=["me"])
admin_router = APIRouter(prefix="/admin", tags=["admin"])


AcceptLanguage = Annotated[
    str | None,
    Header(description="The browser's languages: the last resort when nothing else names one"),
]


@router.get("/me")
async def read_me(
    user: CurrentUser, uow: UowDep, accept_language: AcceptLanguage = None
) -> MePublic:
    """The caller, their tenant and the language the web app speaks to them."""
    return await _me(user, uow, accept_language)


@router.put("/me")
async def change_me(
    body: MeUpdate, user: CurrentUser, uow: UowDep, accept_language: AcceptLanguage = None
) -> MePublic:
    """Save the caller's own settings (the web app's `language`), for this user in this
    tenant; answers as `GET /me` does."""
    await save_language(uow, user, body.language)
    return await _me(user, uow, accept_language)


async def _me(user: Principal, uow: UnitOfWork, accept_language: str | None) -> MePublic:
    tenant = await caller_tenant(uow, user.tenant_id)
    saved = await saved_language(uow, user)
    language, source = resolve_language(
        saved=saved,
        token_locale=user.locale,
        tenant_default=tenant.default_language,
        accept_language=accept_language,
    )
    return MePublic(
        user_id=user.user_id,
        email=user.email,
        role=user.role,
        tenant=TenantSummary(
            id=tenant.id,
            name=tenant.name,
            timezone=tenant.timezone,
            default_language=language_of(tenant.default_language),
        ),
        language=language,
        language_source=source,
        saved_language=saved,
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
        default_language=language_of(tenant.default_language),
    )
