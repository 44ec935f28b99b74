"""The caller's own tenant, as the account screens and the app's start-up read it, and the
settings its admin changes."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert

from api_gateway.account.profile import apply_profile
from api_gateway.account.schemas import TenantUpdate
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Tenant, UserPreference
from shared.infra.settings import Settings
from shared.infra.tokens import Principal
from shared.languages import Language


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
    if body.default_language is not None:
        tenant.default_language = body.default_language or None  # "" clears
    apply_profile(tenant, body, settings)
    await uow.commit()
    return tenant


async def saved_language(uow: UnitOfWork, user: Principal) -> Language | None:
    """The language this user (this `sub` in this tenant) chose, if any."""
    preference = await uow.session.get(UserPreference, (user.tenant_id, user.user_id))
    return preference.language if preference else None


async def save_language(uow: UnitOfWork, user: Principal, language: Language | None) -> None:
    """Remember (or, given None, forget) the user's language; two tabs saving at once both
    succeed and the later write wins."""
    if language is None:
        preference = await uow.session.get(UserPreference, (user.tenant_id, user.user_id))
        if preference is not None:
            await uow.session.delete(preference)
    else:
        statement = insert(UserPreference).values(
            tenant_id=user.tenant_id, user_id=user.user_id, language=language
        )
        await uow.session.execute(
            statement.on_conflict_do_update(
                index_elements=[UserPreference.tenant_id, UserPreference.user_id],
                set_={"language": statement.excluded.language, "updated_at": func.now()},
            )
        )
    await uow.commit()
