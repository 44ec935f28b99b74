"""Vouchers from the host application: each replaces all its lines at once.

A voucher is stored as its ledger entries (one per line, carrying the host's voucher id), so
the ledger report reads them as it reads every entry. A voucher whose lines are what we
already hold is unchanged and nothing is written; otherwise its old lines are deleted and the
new ones inserted, all vouchers of a request in two statements. A line naming a ledger we do
not know refuses its voucher (and only it).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.books.outcome import Numbered, SyncOutcome
from shared.domain.books.rows import VoucherRow
from shared.infra.db.models import Ledger, LedgerEntry

# What an entry is, for comparing what was sent with what is held.
EntryKey = tuple[str, Any, str, str, str | None, Decimal, Decimal]


async def apply_vouchers(
    session: AsyncSession, tenant_id: str, rows: list[Numbered[VoucherRow]], outcome: SyncOutcome
) -> None:
    ledger_ids = {line.ledger for n in rows for line in n.row.lines}
    ledger_names = dict(
        (
            await session.execute(
                select(Ledger.external_id, Ledger.name).where(
                    Ledger.tenant_id == tenant_id, Ledger.external_id.in_(ledger_ids)
                )
            )
        ).all()
    )
    held = await _held_entries(session, tenant_id, [n.row.id for n in rows])
    to_delete: list[str] = []
    to_insert: list[dict[str, Any]] = []
    seen: set[str] = set()
    for numbered in rows:
        row = numbered.row
        if row.id in seen:
            outcome.refuse(numbered, row.id, "id", "this id appears earlier in the same request")
            continue
        seen.add(row.id)
        if row.deleted:
            if row.id in held:
                to_delete.append(row.id)
                outcome.deleted += 1
            else:
                outcome.unchanged += 1
            continue
        unknown = [index for index, line in enumerate(row.lines) if line.ledger not in ledger_names]
        if unknown:
            index = unknown[0]
            outcome.refuse(
                numbered,
                row.id,
                f"lines.{index}.ledger",
                f"no ledger has the id {row.lines[index].ledger!r}; sync the ledger first",
            )
            continue
        entries = _entries(tenant_id, row, ledger_names)
        if row.id in held and held[row.id] == Counter(_key(e) for e in entries):
            outcome.unchanged += 1
            continue
        if row.id in held:
            to_delete.append(row.id)
        to_insert.extend(entries)
        outcome.applied += 1
    if to_delete:
        await session.execute(
            delete(LedgerEntry).where(
                LedgerEntry.tenant_id == tenant_id, LedgerEntry.voucher_id.in_(to_delete)
            )
        )
    if to_insert:
        await session.execute(insert(LedgerEntry), to_insert)


def _entries(
    tenant_id: str, row: VoucherRow, ledger_names: dict[str | None, str]
) -> list[dict[str, Any]]:
    return [
        {
            "tenant_id": tenant_id,
            "voucher_id": row.id,
            "ledger_name": ledger_names[line.ledger],
            "entry_date": row.date,
            "voucher_type": row.type,
            "voucher_no": row.number,
            "narration": row.narration,
            "debit": line.debit,
            "credit": line.credit,
        }
        for line in row.lines
    ]


def _key(entry: dict[str, Any]) -> EntryKey:
    return (
        entry["ledger_name"],
        entry["entry_date"],
        entry["voucher_type"],
        entry["voucher_no"],
        entry["narration"],
        Decimal(entry["debit"]),
        Decimal(entry["credit"]),
    )


async def _held_entries(
    session: AsyncSession, tenant_id: str, voucher_ids: list[str]
) -> dict[str, Counter[EntryKey]]:
    held: dict[str, Counter[EntryKey]] = {}
    result = await session.execute(
        select(
            LedgerEntry.voucher_id,
            LedgerEntry.ledger_name,
            LedgerEntry.entry_date,
            LedgerEntry.voucher_type,
            LedgerEntry.voucher_no,
            LedgerEntry.narration,
            LedgerEntry.debit,
            LedgerEntry.credit,
        ).where(LedgerEntry.tenant_id == tenant_id, LedgerEntry.voucher_id.in_(voucher_ids))
    )
    for voucher_id, *entry in result:
        key: EntryKey = (*entry,)  # type: ignore[assignment]  # the columns selected above
        held.setdefault(str(voucher_id), Counter())[key] += 1
    return held
