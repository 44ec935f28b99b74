"""The ledger statement's rows, streamed out of PostgreSQL.

Sums and running balances are computed by PostgreSQL (exact `numeric`), and rows are read
through a server-side cursor in batches, so memory stays flat however long the ledger is. The
entries query is also the CSV fast path's: PostgreSQL writes those rows as CSV itself.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from shared.domain.csv_cells import neutralised_sql
from shared.domain.reports.document import (
    Column,
    CsvCopy,
    DocumentHeader,
    PartyDetails,
    ReportSource,
    Row,
)
from shared.domain.reports.labels import ENGLISH, Labels

BATCH_ROWS = 5000

LEDGER_COLUMNS = (
    Column("Date", "date", 11),
    Column("Voucher Type", "text", 12),
    Column("Voucher No", "text", 18),
    Column("Narration", "text", 48),
    Column("Debit", "money", 15),
    Column("Credit", "money", 15),
    Column("Balance", "balance", 18),
)

_CANONICAL = "SELECT id, name FROM ledgers WHERE tenant_id = $1 AND lower(name) = lower($2)"

_LEDGER_PARTY = "SELECT party_name, gstin, address FROM ledgers WHERE id = $1"

# The opening balance and the period's count and sums from the ledger's day totals (at most
# one row a day, kept by triggers: see models.LedgerDayTotal), never from the entries: the
# figures of a million-entry ledger cost what a few hundred rows cost.
_LEDGER_FIGURES = """
SELECT l.opening_balance + COALESCE(sum(t.debit - t.credit) FILTER (WHERE t.day < $2), 0),
       COALESCE(sum(t.entries) FILTER (WHERE t.day >= $2), 0),
       COALESCE(sum(t.debit) FILTER (WHERE t.day >= $2), 0),
       COALESCE(sum(t.credit) FILTER (WHERE t.day >= $2), 0)
FROM ledgers l LEFT JOIN ledger_day_totals t ON t.ledger_id = l.id AND t.day <= $3
WHERE l.id = $1
GROUP BY l.id
"""

# $4 is the opening balance; the window sum over exact numerics gives the running balance.
_ENTRIES = """
SELECT entry_date, {voucher_type}, {voucher_no}, {narration}, debit, credit,
       $4::numeric(18,2) + sum(debit - credit) OVER (ORDER BY entry_date, id) AS balance
FROM ledger_entries
WHERE ledger_id = $1 AND entry_date BETWEEN $2 AND $3
ORDER BY entry_date, id
"""
_TEXT_COLUMNS = ("voucher_type", "voucher_no", "narration")
LEDGER_ENTRIES = _ENTRIES.format_map({name: name for name in _TEXT_COLUMNS})
# The same rows for the CSV fast path, text cells neutralised by PostgreSQL (see csv_cells);
# dates and amounts are not text and are written as they are.
LEDGER_ENTRIES_CSV = _ENTRIES.format_map({name: neutralised_sql(name) for name in _TEXT_COLUMNS})


@dataclass(frozen=True)
class LedgerRef:
    """A ledger as the books hold it: its id (what entries and bills reference) and name."""

    id: int
    name: str


@dataclass(frozen=True)
class LedgerFigures:
    ledger: LedgerRef
    from_date: date
    to_date: date
    opening: Decimal
    entries: int
    debit: Decimal
    credit: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


async def canonical_ledger(conn: Any, tenant_id: str, name: str) -> LedgerRef | None:
    """The tenant's ledger of that name (matched case-insensitively), or None."""
    row = await conn.fetchrow(_CANONICAL, tenant_id, name)
    return None if row is None else LedgerRef(row[0], row[1])  # an asyncpg or SQLAlchemy row


async def ledger_figures(
    conn: Any, ledger: LedgerRef, from_date: date, to_date: date
) -> LedgerFigures:
    """Opening balance and period totals, one SQL aggregate."""
    opening, count, debit, credit = await conn.fetchrow(
        _LEDGER_FIGURES, ledger.id, from_date, to_date
    )
    return LedgerFigures(ledger, from_date, to_date, opening, int(count), debit, credit)


async def ledger_party(conn: Any, ledger: LedgerRef) -> PartyDetails | None:
    """The party a ledger is kept for, as its statement's letterhead names it; None for a
    ledger that is no party's (Cash, Sales, a bank)."""
    row = await conn.fetchrow(_LEDGER_PARTY, ledger.id)
    if row is None or not (row["party_name"] or row["gstin"] or row["address"]):
        return None
    return PartyDetails(row["party_name"] or ledger.name, tuple(row["address"] or ()), row["gstin"])


def dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def ledger_source(
    conn: Any,
    company: str,
    figures: LedgerFigures,
    file_params: dict[str, Any],
    *,
    party: PartyDetails | None = None,
    labels: Labels = ENGLISH,
) -> ReportSource:
    """The statement, its fixed words (title, lines, column titles, balance rows) in
    `labels`' language; names, narrations and amounts as the books have them."""
    f = figures
    start, end = dmy(f.from_date), dmy(f.to_date)
    header = DocumentHeader(
        title=labels.ledger_title,
        company=company,
        lines=(
            labels.ledger_line.format(ledger=f.ledger.name),
            labels.period_line.format(start=start, end=end),
        ),
        columns=tuple(replace(c, title=labels.column(c.title)) for c in LEDGER_COLUMNS),
        total_rows=f.entries + 3,  # opening, entries, period total, closing
        generated_at=datetime.now(UTC),
        party=party,
        labels=labels,
    )
    copy = CsvCopy(
        before=(_opening(f, labels),),
        query=LEDGER_ENTRIES_CSV,
        args=(f.ledger.id, f.from_date, f.to_date, f.opening),
        after=_closing(f, labels),
    )
    rows = _ledger_rows(conn, f, labels)
    return ReportSource(header, f.entries, rows, file_params, csv_copy=copy)


def _opening(f: LedgerFigures, labels: Labels) -> Row:
    opening = labels.opening_balance
    return Row((f.from_date, opening, None, None, None, None, f.opening), "opening")


def _closing(f: LedgerFigures, labels: Labels) -> tuple[Row, ...]:
    return (
        Row((f.to_date, labels.period_total, None, None, f.debit, f.credit, None), "total"),
        Row((f.to_date, labels.closing_balance, None, None, None, None, f.closing), "closing"),
    )


async def _ledger_rows(conn: Any, f: LedgerFigures, labels: Labels) -> AsyncIterator[list[Row]]:
    yield [_opening(f, labels)]
    async with conn.transaction():  # server-side cursors live inside a transaction
        cursor = conn.cursor(
            LEDGER_ENTRIES,
            f.ledger.id,
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
    yield list(_closing(f, labels))
