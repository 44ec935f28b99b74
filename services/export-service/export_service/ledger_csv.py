"""The ledger statement as CSV, produced by PostgreSQL itself (`COPY ... TO STDOUT`).

The running balance is a window function over the period's entries, started from the opening
balance (the ledger's opening plus everything before `from_date`), so Python never touches a
row: asyncpg streams PostgreSQL's CSV straight into the file.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from shared.storage import HashingWriter

HEADER = ["date", "voucher_type", "voucher_no", "narration", "debit", "credit", "balance"]

_OPENING = """
SELECT l.opening_balance + COALESCE((
    SELECT sum(e.debit - e.credit) FROM ledger_entries e
    WHERE e.tenant_id = $1 AND e.ledger_name = l.name AND e.entry_date < $2), 0)
FROM ledgers l WHERE l.tenant_id = $1 AND l.name = $3
"""

_PERIOD_TOTALS = """
SELECT count(*), COALESCE(sum(debit), 0), COALESCE(sum(credit), 0) FROM ledger_entries
WHERE tenant_id = $1 AND ledger_name = $2 AND entry_date BETWEEN $3 AND $4
"""

# $5 is the opening balance; a numeric literal keeps the window sum exact.
_ENTRIES_COPY = """
SELECT entry_date, voucher_type, voucher_no, narration, debit, credit,
       $5::numeric(18,2) + sum(debit - credit) OVER (ORDER BY entry_date, id) AS balance
FROM ledger_entries
WHERE tenant_id = $1 AND ledger_name = $2 AND entry_date BETWEEN $3 AND $4
ORDER BY entry_date, id
"""


@dataclass(frozen=True)
class LedgerCsvResult:
    row_count: int
    opening: Decimal
    closing: Decimal


def _line(values: list[Any]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue().encode()


async def render_ledger_csv(
    conn: Any,
    out: HashingWriter,
    *,
    tenant_id: str,
    ledger: str,
    from_date: date,
    to_date: date,
) -> LedgerCsvResult:
    """Write the statement to `out` over a raw asyncpg connection (`ledger`: canonical name)."""
    opening = await conn.fetchval(_OPENING, tenant_id, from_date, ledger)
    opening = Decimal(opening or 0)
    count, debit, credit = await conn.fetchrow(
        _PERIOD_TOTALS, tenant_id, ledger, from_date, to_date
    )
    closing = opening + debit - credit
    out.write(_line(HEADER))
    out.write(_line([from_date.isoformat(), "Opening Balance", "", "", "", "", opening]))

    async def sink(chunk: bytes) -> None:
        out.write(chunk)

    await conn.copy_from_query(
        _ENTRIES_COPY, tenant_id, ledger, from_date, to_date, opening, output=sink, format="csv"
    )
    out.write(_line([to_date.isoformat(), "Period Total", "", "", debit, credit, ""]))
    out.write(_line([to_date.isoformat(), "Closing Balance", "", "", "", "", closing]))
    return LedgerCsvResult(row_count=int(count), opening=opening, closing=closing)
