"""The sync's status: how many rows of each kind a tenant holds, and when each last changed."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.infra.db.models import Bill, BooksChange, Ledger, LedgerEntry

BookKind = Literal["ledgers", "vouchers", "bills"]
BOOK_KINDS: tuple[BookKind, ...] = ("ledgers", "vouchers", "bills")


async def mark_changed(session: AsyncSession, tenant_id: str, kind: BookKind) -> None:
    statement = insert(BooksChange).values(tenant_id=tenant_id, kind=kind, changed_at=func.now())
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["tenant_id", "kind"], set_={"changed_at": statement.excluded.changed_at}
        )
    )


async def books_status(session: AsyncSession, tenant_id: str) -> dict[str, dict[str, object]]:
    """Per kind: `count` (vouchers also `lines`) and `last_changed_at` (None before any sync)."""
    changed: dict[str, datetime] = dict(
        (
            await session.execute(
                select(BooksChange.kind, BooksChange.changed_at).where(
                    BooksChange.tenant_id == tenant_id
                )
            )
        ).all()
    )
    ledgers = await session.scalar(
        select(func.count()).select_from(Ledger).where(Ledger.tenant_id == tenant_id)
    )
    vouchers, lines = (
        await session.execute(
            select(func.count(func.distinct(LedgerEntry.voucher_id)), func.count()).where(
                LedgerEntry.tenant_id == tenant_id
            )
        )
    ).one()
    bills = await session.scalar(
        select(func.count()).select_from(Bill).where(Bill.tenant_id == tenant_id)
    )
    return {
        "ledgers": {"count": ledgers, "last_changed_at": changed.get("ledgers")},
        "vouchers": {"count": vouchers, "lines": lines, "last_changed_at": changed.get("vouchers")},
        "bills": {"count": bills, "last_changed_at": changed.get("bills")},
    }
