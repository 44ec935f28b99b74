"""Vouchers from the host application: each replaces all its lines at once.

A voucher is stored as its ledger entries (one per line, carrying the host's voucher id), so
the ledger report reads them as it reads every entry. A voucher whose lines are what we
already hold is unchanged and nothing is written; otherwise its old lines are deleted and the
new ones inserted, all vouchers of a request in two statements (the insert is a binary COPY
on the transaction's own connection: the sync's bulk path costs what the demo loader's does).
A line naming a ledger we do not know refuses its voucher (and only it).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.books.outcome import Numbered, SyncOutcome, first_of_each_id
from shared.domain.books.rows import VoucherRow
from shared.infra.db.arrays import is_any_of
from shared.infra.db.models import Ledger, LedgerEntry

ENTRY_COLUMNS = (
    "tenant_id", "voucher_id", "ledger_id", "entry_date", "voucher_type", "voucher_no",
    "narration", "debit", "credit",
)  # fmt: skip
# An entry as COPY writes it (ENTRY_COLUMNS), and what it is for comparing what was sent with
# what is held (the same without the tenant and voucher ids).
EntryRecord = tuple[str, str, int, Any, str, str, str | None, Decimal, Decimal]
EntryKey = tuple[int, Any, str, str, str | None, Decimal, Decimal]


async def apply_vouchers(
    session: AsyncSession, tenant_id: str, rows: list[Numbered[VoucherRow]], outcome: SyncOutcome
) -> None:
    external_ids = {line.ledger for n in rows for line in n.row.lines}
    # The host's ledger id -> ours, which the entries reference.
    ledger_keys = dict(
        (
            await session.execute(
                select(Ledger.external_id, Ledger.id).where(
                    Ledger.tenant_id == tenant_id, is_any_of(Ledger.external_id, external_ids)
                )
            )
        ).all()
    )
    held = await _held_entries(session, tenant_id, [n.row.id for n in rows])
    to_delete: list[str] = []
    to_insert: list[EntryRecord] = []
    for numbered in first_of_each_id(rows, outcome):
        row = numbered.row
        if row.deleted:
            if row.id in held:
                to_delete.append(row.id)
                outcome.deleted += 1
            else:
                outcome.unchanged += 1
            continue
        unknown = [index for index, line in enumerate(row.lines) if line.ledger not in ledger_keys]
        if unknown:
            index = unknown[0]
            outcome.refuse(
                numbered,
                row.id,
                f"lines.{index}.ledger",
                f"no ledger has the id {row.lines[index].ledger!r}; sync the ledger first",
            )
            continue
        entries = _records(tenant_id, row, ledger_keys)
        if row.id in held and held[row.id] == Counter(entry[2:] for entry in entries):
            outcome.unchanged += 1
            continue
        if row.id in held:
            to_delete.append(row.id)
        to_insert.extend(entries)
        outcome.applied += 1
    if to_delete:
        await session.execute(
            delete(LedgerEntry).where(
                LedgerEntry.tenant_id == tenant_id, is_any_of(LedgerEntry.voucher_id, to_delete)
            )
        )
    if to_insert:
        await _copy_entries(session, to_insert)


async def _copy_entries(session: AsyncSession, entries: list[EntryRecord]) -> None:
    await session.flush()  # the ORM's pending rows first, in the same transaction
    connection = await session.connection()
    raw: Any = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(
        LedgerEntry.__tablename__,
        records=entries,
        columns=ENTRY_COLUMNS,
    )


def _records(
    tenant_id: str, row: VoucherRow, ledger_keys: dict[str | None, int]
) -> list[EntryRecord]:
    return [
        (
            tenant_id,
            row.id,
            ledger_keys[line.ledger],
            row.date,
            row.type or "",
            row.number,
            row.narration,
            line.debit,
            line.credit,
        )
        for line in row.lines
    ]


async def _held_entries(
    session: AsyncSession, tenant_id: str, voucher_ids: list[str]
) -> dict[str, Counter[EntryKey]]:
    held: dict[str, Counter[EntryKey]] = {}
    result = await session.execute(
        select(
            LedgerEntry.voucher_id,
            LedgerEntry.ledger_id,
            LedgerEntry.entry_date,
            LedgerEntry.voucher_type,
            LedgerEntry.voucher_no,
            LedgerEntry.narration,
            LedgerEntry.debit,
            LedgerEntry.credit,
        ).where(LedgerEntry.tenant_id == tenant_id, is_any_of(LedgerEntry.voucher_id, voucher_ids))
    )
    for voucher_id, *entry in result:
        key: EntryKey = (*entry,)  # type: ignore[assignment]  # the columns selected above
        held.setdefault(str(voucher_id), Counter())[key] += 1
    return held
