"""Report rows streamed out of PostgreSQL, in the shape every renderer draws.

Sums and running balances are computed by PostgreSQL (exact `numeric`), and rows are read
through a server-side cursor in batches, so memory stays flat however long the ledger is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.reports import BUCKET_LABELS, LedgerParams, OutstandingParams, ageing_bucket

from .document import Column, DocumentHeader, Row

BATCH_ROWS = 5000
ZERO = Decimal("0.00")

LEDGER_COLUMNS = (
    Column("Date", "date", 11),
    Column("Voucher Type", "text", 12),
    Column("Voucher No", "text", 18),
    Column("Narration", "text", 48),
    Column("Debit", "money", 15),
    Column("Credit", "money", 15),
    Column("Balance", "balance", 18),
)

OUTSTANDING_COLUMNS = (
    Column("Party", "text", 30),
    Column("Bill Ref", "text", 18),
    Column("Bill Date", "date", 11),
    Column("Due Date", "date", 11),
    Column("Bill Amount", "money", 15),
    Column("Pending", "money", 15),
    Column("Days Overdue", "integer", 8),
    Column("Ageing", "text", 7),
)

_LEDGER_OPENING = """
SELECT l.opening_balance + COALESCE((
    SELECT sum(e.debit - e.credit) FROM ledger_entries e
    WHERE e.tenant_id = $1 AND e.ledger_name = l.name AND e.entry_date < $2), 0)
FROM ledgers l WHERE l.tenant_id = $1 AND l.name = $3
"""

_LEDGER_TOTALS = """
SELECT count(*), COALESCE(sum(debit), 0), COALESCE(sum(credit), 0) FROM ledger_entries
WHERE tenant_id = $1 AND ledger_name = $2 AND entry_date BETWEEN $3 AND $4
"""

# $5 is the opening balance; the window sum over exact numerics gives the running balance.
LEDGER_ENTRIES = """
SELECT entry_date, voucher_type, voucher_no, narration, debit, credit,
       $5::numeric(18,2) + sum(debit - credit) OVER (ORDER BY entry_date, id) AS balance
FROM ledger_entries
WHERE tenant_id = $1 AND ledger_name = $2 AND entry_date BETWEEN $3 AND $4
ORDER BY entry_date, id
"""

_OUTSTANDING_COUNTS = """
SELECT count(*), count(DISTINCT ledger_name) FROM bills
WHERE tenant_id = $1 AND kind = $2 AND bill_date <= $3 AND pending_amount > 0
"""

_OUTSTANDING_BILLS = """
SELECT ledger_name, bill_ref, bill_date, due_date, amount, pending_amount
FROM bills
WHERE tenant_id = $1 AND kind = $2 AND bill_date <= $3 AND pending_amount > 0
ORDER BY ledger_name, bill_date, bill_ref, id
"""


@dataclass(frozen=True)
class LedgerFigures:
    ledger: str
    from_date: date
    to_date: date
    opening: Decimal
    entries: int
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


async def ledger_figures(
    conn: Any, tenant_id: str, ledger: str, params: LedgerParams
) -> LedgerFigures:
    """Opening balance and period totals, each one SQL aggregate."""
    opening = await conn.fetchval(_LEDGER_OPENING, tenant_id, params.from_date, ledger)
    count, debit, credit = await conn.fetchrow(
        _LEDGER_TOTALS, tenant_id, ledger, params.from_date, params.to_date
    )
    return LedgerFigures(
        ledger, params.from_date, params.to_date, Decimal(opening or 0), int(count), debit, credit
    )


def _dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class ReportSource:
    """A document header, the rows to draw, and how many of them are data rows."""

    header: DocumentHeader
    data_rows: int
    rows: AsyncIterator[list[Row]]


def ledger_source(conn: Any, tenant_id: str, company: str, figures: LedgerFigures) -> ReportSource:
    header = DocumentHeader(
        title="Ledger Statement",
        company=company,
        lines=(
            f"Ledger: {figures.ledger}",
            f"Period: {_dmy(figures.from_date)} to {_dmy(figures.to_date)}",
        ),
        columns=LEDGER_COLUMNS,
        total_rows=figures.entries + 3,  # opening, entries, period total, closing
        generated_at=datetime.now(UTC),
    )
    return ReportSource(header, figures.entries, _ledger_rows(conn, tenant_id, figures))


async def _ledger_rows(conn: Any, tenant_id: str, f: LedgerFigures) -> AsyncIterator[list[Row]]:
    yield [Row((f.from_date, "Opening Balance", None, None, None, None, f.opening), "opening")]
    async with conn.transaction():  # server-side cursors live inside a transaction
        cursor = conn.cursor(
            LEDGER_ENTRIES,
            tenant_id,
            f.ledger,
            f.from_date,
            f.to_date,
            f.opening,
            prefetch=BATCH_ROWS,
        )
        batch: list[Row] = []
        async for record in cursor:
            batch.append(Row(tuple(record)))
            if len(batch) == BATCH_ROWS:
                yield batch
                batch = []
        if batch:
            yield batch
    yield [
        Row((f.to_date, "Period Total", None, None, f.debit, f.credit, None), "total"),
        Row((f.to_date, "Closing Balance", None, None, None, None, f.closing), "closing"),
    ]


async def outstanding_source(
    conn: Any, tenant_id: str, company: str, params: OutstandingParams
) -> ReportSource:
    bills, parties = await conn.fetchrow(_OUTSTANDING_COUNTS, tenant_id, params.kind, params.as_of)
    header = DocumentHeader(
        title=f"Outstanding {params.kind.capitalize()}s",
        company=company,
        lines=(f"As of {_dmy(params.as_of)}", "Ageing by days past the due date"),
        columns=OUTSTANDING_COLUMNS,
        # per party: a heading and a subtotal; then the grand total and one row per bucket
        total_rows=bills + 2 * parties + 1 + len(BUCKET_LABELS),
        generated_at=datetime.now(UTC),
    )
    return ReportSource(header, int(bills), _outstanding_rows(conn, tenant_id, params))


async def _outstanding_rows(
    conn: Any, tenant_id: str, params: OutstandingParams
) -> AsyncIterator[list[Row]]:
    buckets = dict.fromkeys(BUCKET_LABELS, ZERO)
    grand_amount = grand_pending = ZERO
    party: str | None = None
    party_amount = party_pending = ZERO
    batch: list[Row] = []

    def close_party() -> None:
        if party is not None:
            batch.append(
                Row(
                    (f"Total {party}", None, None, None, party_amount, party_pending, None, None),
                    "subtotal",
                )
            )

    async with conn.transaction():
        cursor = conn.cursor(
            _OUTSTANDING_BILLS, tenant_id, params.kind, params.as_of, prefetch=BATCH_ROWS
        )
        async for ledger, ref, bill_date, due, amount, pending in cursor:
            if ledger != party:
                close_party()
                party, party_amount, party_pending = ledger, ZERO, ZERO
                batch.append(Row((ledger, None, None, None, None, None, None, None), "group"))
            days = max(0, (params.as_of - due).days)
            bucket = ageing_bucket(days)
            batch.append(Row((ledger, ref, bill_date, due, amount, pending, days, bucket)))
            party_amount += amount
            party_pending += pending
            grand_amount += amount
            grand_pending += pending
            buckets[bucket] += pending
            if len(batch) >= BATCH_ROWS:
                yield batch
                batch = []
    close_party()
    batch.append(
        Row(("Grand Total", None, None, None, grand_amount, grand_pending, None, None), "total")
    )
    batch += [
        Row((f"Ageing {label} days", None, None, None, None, total, None, label), "total")
        for label, total in buckets.items()
    ]
    yield batch
