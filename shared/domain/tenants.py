"""One home for each lookup about a tenant that several services make.

The gateway (sends, schedules, distribution lists, settings), the scheduler (each run's
recipients and messages) and the mail-service read these; each is written once, here, so the
rules built on them (the internal-only policy, Message-IDs) see the same answer everywhere.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.reports.document import Letterhead
from shared.infra.db.models import DistributionList, EmailSettings, Tenant
from shared.languages import DEFAULT_LANGUAGE, Language

# Message-IDs need a domain; a tenant without SMTP settings (a failure notice that will not go
# out) gets one that can never be anybody's.
FALLBACK_MESSAGE_DOMAIN = "ledgerpost.invalid"


async def internal_domains(session: AsyncSession, tenant_id: str) -> list[str]:
    """The domains of the tenant's own organisation ([] when none are set, or no tenant)."""
    domains = await session.scalar(select(Tenant.internal_domains).where(Tenant.id == tenant_id))
    return list(domains or [])


async def distribution_list(
    session: AsyncSession, tenant_id: str, list_id: uuid.UUID
) -> DistributionList | None:
    """The tenant's saved distribution list, or None (another tenant's list is never found)."""
    found: DistributionList | None = await session.scalar(
        select(DistributionList).where(
            DistributionList.id == list_id, DistributionList.tenant_id == tenant_id
        )
    )
    return found


async def sender_address(session: AsyncSession, tenant_id: str) -> str | None:
    """The From address of the tenant's SMTP settings; None when SMTP was never configured."""
    sender: str | None = await session.scalar(
        select(EmailSettings.from_email).where(EmailSettings.tenant_id == tenant_id)
    )
    return sender


async def message_domain(session: AsyncSession, tenant_id: str) -> str:
    """The domain of the tenant's Message-IDs: its sender's, else the fallback."""
    sender = await sender_address(session, tenant_id)
    return sender.rpartition("@")[2] if sender else FALLBACK_MESSAGE_DOMAIN


async def company_name(session: AsyncSession, tenant_id: str) -> str:
    """The tenant's name as documents and emails show it: the legal name of its letterhead
    profile, else its name (its id when the row is gone)."""
    name: str | None = await session.scalar(
        select(func.coalesce(Tenant.legal_name, Tenant.name)).where(Tenant.id == tenant_id)
    )
    return name or tenant_id


async def default_language(session: AsyncSession, tenant_id: str) -> Language:
    """The tenant's default language (admin setting): its documents' and emails' when neither
    the request nor a party directory entry names one. English for an unknown value."""
    stored = await session.scalar(select(Tenant.default_language).where(Tenant.id == tenant_id))
    return Language(stored) if stored in set(Language) else DEFAULT_LANGUAGE


async def letterhead(session: AsyncSession, tenant_id: str) -> tuple[Letterhead, str]:
    """The company block the tenant's documents and public pages open with (its profile, or
    its name alone), and its timezone."""
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        return Letterhead(tenant_id), "Asia/Kolkata"
    block = Letterhead(
        name=tenant.legal_name or tenant.name,
        address=tuple(tenant.address or ()),
        gstin=tenant.gstin,
        pan=tenant.pan,
        phone=tenant.phone,
        email=tenant.email,
    )
    return block, tenant.timezone
