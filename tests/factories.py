"""Small factories every test uses to own its data: unique tenants, users, tokens, books."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain import exports
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ExportJob, Ledger, LedgerEntry, Tenant
from shared.infra.settings import Settings
from shared.infra.tokens import Role, mint_token


def random_tenant_id() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def random_email(domain: str = "example.in") -> str:
    return f"user-{uuid.uuid4().hex[:8]}@{domain}"


def token_for(
    settings: Settings, tenant_id: str, role: Role = "user", user_id: str | None = None
) -> str:
    user_id = user_id or f"{role}-{uuid.uuid4().hex[:6]}"
    return mint_token(
        settings, user_id=user_id, tenant_id=tenant_id, role=role, email=f"{user_id}@example.in"
    )


def auth_header(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_tenant(uow: UnitOfWork, tenant_id: str | None = None) -> str:
    tenant_id = tenant_id or random_tenant_id()
    async with uow:
        uow.session.add(
            Tenant(
                id=tenant_id,
                name=f"{tenant_id} Traders",
                timezone="Asia/Kolkata",
                internal_domains=["example.in"],
            )
        )
        await uow.commit()
    return tenant_id


async def create_ledger(
    uow: UnitOfWork,
    tenant_id: str,
    name: str = "Sharma Traders",
    opening: Decimal = Decimal("1000.00"),
    entries: list[tuple[date, Decimal, Decimal]] | None = None,
    *,
    gstin: str | None = None,
    address: list[str] | None = None,
) -> str:
    """A party ledger with the given (date, debit, credit) entries, GSTIN and address."""
    async with uow:
        ledger = Ledger(
            tenant_id=tenant_id,
            name=name,
            group_name="Sundry Debtors",
            party_name=name,
            opening_balance=opening,
            opening_date=date(2025, 4, 1),
            gstin=gstin,
            address=address or [],
        )
        uow.session.add(ledger)
        await uow.session.flush()  # its id, which the entries reference
        for n, (day, debit, credit) in enumerate(entries or []):
            uow.session.add(
                LedgerEntry(
                    tenant_id=tenant_id,
                    ledger_id=ledger.id,
                    entry_date=day,
                    voucher_type="Sales" if debit else "Receipt",
                    voucher_no=f"V/{n:05d}",
                    narration=f"entry {n}, with a comma",
                    debit=debit,
                    credit=credit,
                )
            )
        await uow.commit()
    return name


async def ledger_ids(
    session: AsyncSession, tenant_id: str, names: Iterable[str], group: str = "Sundry Debtors"
) -> dict[str, int]:
    """The ids of the tenant's ledgers of these names (what bills and entries reference),
    each made in `session`, opening at zero, where the tenant has none of that name yet."""
    wanted = set(names)
    held = await session.execute(
        select(Ledger.name, Ledger.id).where(Ledger.tenant_id == tenant_id, Ledger.name.in_(wanted))
    )
    ids: dict[str, int] = {row.name: row.id for row in held}
    for name in sorted(wanted - ids.keys()):
        ledger = Ledger(
            tenant_id=tenant_id,
            name=name,
            group_name=group,
            party_name=name,
            opening_balance=Decimal(0),
            opening_date=date(2025, 4, 1),
        )
        session.add(ledger)
        await session.flush()
        ids[name] = ledger.id
    return ids


async def queue_ledger_export(
    uow: UnitOfWork,
    tenant_id: str,
    ledger: str,
    from_date: str = "2025-04-01",
    to_date: str = "2025-04-30",
) -> ExportJob:
    """A queued CSV export of `ledger`, committed and announced, as the gateway would make it."""
    async with uow:
        job, _ = await exports.create_export_job(
            uow,
            exports.NewExport(
                tenant_id=tenant_id,
                requested_by="u1",
                report="ledger",
                format="csv",
                params={"ledger": ledger, "from_date": from_date, "to_date": to_date},
            ),
        )
        await uow.commit()
    return job
