"""The ledger statement as CSV, produced by PostgreSQL itself (`COPY ... TO STDOUT`).

The entries, with their running balance, are the same query the other formats read
(`sources.LEDGER_ENTRIES`), but here asyncpg streams PostgreSQL's own CSV straight into the
file: Python never touches an entry row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.storage import HashingWriter

from .csv_writer import csv_header, csv_line
from .sources import LEDGER_COLUMNS, LEDGER_ENTRIES, LedgerFigures

Progress = Callable[[int], Awaitable[None]]


async def copy_ledger_csv(
    conn: Any, out: HashingWriter, tenant_id: str, f: LedgerFigures, progress: Progress
) -> None:
    """Write the statement to `out` over a raw asyncpg connection."""
    out.write(csv_header(LEDGER_COLUMNS))
    out.write(csv_line((f.from_date, "Opening Balance", None, None, None, None, f.opening)))
    lines = 0

    async def sink(chunk: bytes) -> None:
        nonlocal lines
        out.write(chunk)
        # Approximate while streaming (a narration may hold a quoted newline); the job's
        # final row count is exact.
        lines += chunk.count(b"\n")
        await progress(lines)

    await conn.copy_from_query(
        LEDGER_ENTRIES,
        tenant_id,
        f.ledger,
        f.from_date,
        f.to_date,
        f.opening,
        output=sink,
        format="csv",
    )
    out.write(csv_line((f.to_date, "Period Total", None, None, f.debit, f.credit, None)))
    out.write(csv_line((f.to_date, "Closing Balance", None, None, None, None, f.closing)))
