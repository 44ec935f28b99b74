"""A Tally import: masters and Day Book files through the books sync's upsert path.

Two passes over the files, each streamed: first groups and ledgers (a masters file and a Day
Book may be separate files or one), applied as the host API applies them; then vouchers in
batches, while bill allocations are summed into bills, applied last. Everything goes in the
caller's transaction, so an import lands whole or not at all; rows Tally has but we cannot
take are reported like the API's (`line` is the object's number among its kind). Tally's ids
(GUID, else master id) are the ids, so importing the same export again changes nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.books.bills import KIND_OF_GROUP, apply_bills
from shared.domain.books.ledgers import apply_ledgers
from shared.domain.books.outcome import Numbered, SyncOutcome, validation_errors
from shared.domain.books.rows import BillRow, LedgerRow, VoucherRow
from shared.domain.books.status import mark_changed
from shared.domain.books.tally.bill_book import BillBook
from shared.domain.books.tally.daybook import TallyVoucher, read_voucher
from shared.domain.books.tally.masters import TallyLedger, primary_group, read_group, read_ledger
from shared.domain.books.tally.stream import tally_objects
from shared.domain.books.vouchers import apply_vouchers
from shared.domain.party_directory import name_key
from shared.domain.tax_ids import TaxIdError, normalize_gstin
from shared.infra.db.models import Ledger

VOUCHER_BATCH = 1000
# Told after each batch of vouchers: the kind and how many have been read (it may raise to
# stop the import, e.g. when its worker lost the lease).
Progress = Callable[[str, int], Awaitable[None]]


@dataclass
class TallyImportReport:
    ledgers: SyncOutcome = field(default_factory=SyncOutcome)
    vouchers: SyncOutcome = field(default_factory=SyncOutcome)
    bills: SyncOutcome = field(default_factory=SyncOutcome)
    skipped_vouchers: int = 0  # cancelled or optional

    def as_dict(self) -> dict[str, Any]:
        return {
            "ledgers": self.ledgers.as_dict(),
            "vouchers": {**self.vouchers.as_dict(), "skipped": self.skipped_vouchers},
            "bills": self.bills.as_dict(),
        }


async def import_tally(
    session: AsyncSession,
    tenant_id: str,
    files: Sequence[Path],
    progress: Progress | None = None,
) -> TallyImportReport:
    report = TallyImportReport()
    groups: dict[str, str] = {}
    ledgers: list[TallyLedger] = []
    for path in files:
        with path.open("rb") as raw:
            for element in tally_objects(raw):
                if element.tag == "GROUP":
                    name, parent = read_group(element)
                    groups[name_key(name)] = parent
                elif element.tag == "LEDGER" and (ledger := read_ledger(element)) is not None:
                    ledgers.append(ledger)
    rows = [_ledger_row(ledger, primary_group(ledger.parent, groups)) for ledger in ledgers]
    await _apply(session, tenant_id, "ledgers", rows, LedgerRow, apply_ledgers, report.ledgers)
    ids, receivable = await _known_ledgers(session, tenant_id)
    bills = BillBook()
    for ledger in ledgers:
        for opening in ledger.opening_bills:
            if not opening.advance:
                bills.add(
                    ledger.id, opening.name, "New Ref", opening.amount,
                    opening.bill_date, opening.credit_period,
                )  # fmt: skip
    batch: list[Numbered[dict[str, Any]]] = []
    number = 0
    for path in files:
        with path.open("rb") as raw:
            for element in tally_objects(raw):
                if element.tag != "VOUCHER":
                    continue
                number += 1
                voucher = read_voucher(element)
                if voucher == "skipped":
                    report.skipped_vouchers += 1
                    continue
                if isinstance(voucher, str):
                    report.vouchers.received += 1
                    report.vouchers.refuse(Numbered(number, None), None, "DATE", voucher)
                    continue
                row = _voucher_row(voucher, ids, report.vouchers, number)
                if row is None:
                    report.vouchers.received += 1
                else:
                    batch.append(Numbered(number, row))
                for allocation in voucher.allocations:
                    ledger_id = ids.get(name_key(allocation.ledger))
                    if ledger_id is not None:
                        bills.add(
                            ledger_id, allocation.bill, allocation.kind, allocation.amount,
                            voucher.date, allocation.credit_period,
                        )  # fmt: skip
                if len(batch) >= VOUCHER_BATCH:
                    await _apply_vouchers(session, tenant_id, batch, report)
                    batch = []
                    if progress is not None:
                        await progress("vouchers", number)
    await _apply_vouchers(session, tenant_id, batch, report)
    bill_rows = [Numbered(n, row) for n, row in enumerate(bills.rows(receivable), start=1)]
    await _apply(session, tenant_id, "bills", bill_rows, BillRow, apply_bills, report.bills)
    return report


def _ledger_row(ledger: TallyLedger, group: str) -> Numbered[dict[str, Any]]:
    row: dict[str, Any] = {
        "id": ledger.id,
        "name": ledger.name,
        "group": group,
        "party_name": ledger.party_name,
        "address": [line[:200] for line in ledger.address[:10]],
        # Tally writes a debit balance negative; ours is positive.
        "opening_balance": str(-ledger.opening),
    }
    if ledger.gstin and _valid_gstin(ledger.gstin):
        # An invalid one is left out rather than refusing the ledger and all its vouchers.
        row["gstin"] = ledger.gstin
    if ledger.to:
        row["emails"] = {"to": ledger.to, "cc": ledger.cc}
    return Numbered(0, row)


def _valid_gstin(gstin: str) -> bool:
    try:
        normalize_gstin(gstin)
    except TaxIdError:
        return False
    return True


def _voucher_row(
    voucher: TallyVoucher, ids: dict[str, str], outcome: SyncOutcome, number: int
) -> dict[str, Any] | None:
    lines: list[dict[str, str]] = []
    for index, (ledger, amount) in enumerate(voucher.lines):
        ledger_id = ids.get(name_key(ledger))
        if ledger_id is None:
            field_name = f"lines.{index}.ledger"
            message = f"no ledger named {ledger!r} in the masters"
            outcome.refuse(Numbered(number, None), voucher.id, field_name, message)
            return None
        side = "debit" if amount < 0 else "credit"
        lines.append({"ledger": ledger_id, side: str(abs(amount))})
    return {
        "id": voucher.id or f"{voucher.type}/{voucher.number}/{voucher.date.isoformat()}",
        "date": voucher.date.isoformat(),
        "type": voucher.type[:40],
        "number": voucher.number,
        "narration": voucher.narration,
        "lines": lines,
    }


async def _apply_vouchers(
    session: AsyncSession,
    tenant_id: str,
    batch: list[Numbered[dict[str, Any]]],
    report: TallyImportReport,
) -> None:
    await _apply(session, tenant_id, "vouchers", batch, VoucherRow, apply_vouchers, report.vouchers)


async def _apply(
    session: AsyncSession,
    tenant_id: str,
    kind: Any,
    raw_rows: Sequence[Numbered[dict[str, Any]]],
    model: type[BaseModel],
    apply: Any,
    outcome: SyncOutcome,
) -> None:
    rows: list[Numbered[BaseModel]] = []
    for position, numbered in enumerate(raw_rows, start=1):
        line = numbered.line or position
        outcome.received += 1
        try:
            rows.append(Numbered(line, model.model_validate(numbered.row)))
        except ValidationError as exc:
            outcome.errors.extend(validation_errors(line, numbered.row, exc))
    before = (outcome.applied, outcome.deleted)
    if rows:
        await apply(session, tenant_id, rows, outcome)
    if (outcome.applied, outcome.deleted) != before:
        await mark_changed(session, tenant_id, kind)


async def _known_ledgers(
    session: AsyncSession, tenant_id: str
) -> tuple[dict[str, str], dict[str, bool]]:
    """Every synced ledger's id by name (Tally's vouchers name their ledgers), and for party
    ledgers whether their bills are receivable."""
    ids: dict[str, str] = {}
    receivable: dict[str, bool] = {}
    result = await session.execute(
        select(Ledger.name, Ledger.external_id, Ledger.group_name).where(
            Ledger.tenant_id == tenant_id, Ledger.external_id.is_not(None)
        )
    )
    for name, external_id, group in result:
        assert external_id is not None  # selected so
        ids[name_key(name)] = external_id
        kind = KIND_OF_GROUP.get(name_key(group))
        if kind is not None:
            receivable[external_id] = kind == "receivable"
    return ids, receivable
