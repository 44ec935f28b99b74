"""CSV for every report: plain numbers (no grouping), ISO dates, UTF-8, one header row.

Headings are the column titles in snake case (`Bill Amount` -> `bill_amount`), so a
spreadsheet or a script reads them alike. Group headings are left out: every CSV row
already names its party. A report whose rows PostgreSQL can write as CSV itself (the ledger's
entries) takes `copy_csv`, the fast path.

Text cells that a spreadsheet would run as a formula are neutralised (`shared.domain.csv_cells`,
in SQL on the fast path); amounts, dates and counts are written as numbers and left alone.
Files start with a UTF-8 byte-order mark unless the tenant turned it off
(`tenants.csv_byte_order_mark`): Excel needs it to read UTF-8.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from pathlib import Path
from typing import IO, Any

from shared.domain import csv_cells
from shared.domain.reports import CsvCopy
from shared.infra.storage import HashingWriter

from .document import CellValue, Column, DocumentHeader, Row


def _cell(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_cells.neutralise_cell(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _line(values: Iterable[CellValue]) -> str:
    return csv_cells.csv_line(_cell(v) for v in values)


def csv_header(columns: Iterable[Column]) -> str:
    return _line(c.title.lower().replace(" ", "_") for c in columns)


_TENANT_BYTE_ORDER_MARK = "SELECT csv_byte_order_mark FROM tenants WHERE id = $1"


async def tenant_byte_order_mark(conn: Any, tenant_id: str) -> bool:
    """Whether the tenant's CSV files start with a byte-order mark (yes unless turned off)."""
    return await conn.fetchval(_TENANT_BYTE_ORDER_MARK, tenant_id) is not False


class CsvReportWriter:
    """A `TabularWriter` for CSV."""

    def __init__(self, byte_order_mark: bool = True) -> None:
        self._file: IO[str] | None = None
        self._byte_order_mark = byte_order_mark

    def begin(self, path: Path, header: DocumentHeader) -> None:
        encoding = "utf-8-sig" if self._byte_order_mark else "utf-8"  # -sig: the mark first
        self._file = path.open("w", encoding=encoding, newline="")
        self._file.write(csv_header(header.columns))

    def write_rows(self, rows: list[Row]) -> None:
        assert self._file is not None
        self._file.writelines(_line(row.values) for row in rows if row.style != "group")

    def finish(self) -> None:
        assert self._file is not None
        self._file.close()


Progress = Callable[[int], Awaitable[None]]


async def copy_csv(
    conn: Any,
    out: HashingWriter,
    columns: Iterable[Column],
    copy: CsvCopy,
    progress: Progress,
    byte_order_mark: bool = True,
) -> None:
    """Write a report's CSV to `out` over a raw asyncpg connection: the framing rows drawn
    here, the data rows as PostgreSQL's own CSV (`COPY ... TO STDOUT`), never parsed by Python."""
    if byte_order_mark:
        out.write(csv_cells.UTF8_BYTE_ORDER_MARK)
    out.write(csv_header(columns).encode())
    for row in copy.before:
        out.write(_line(row.values).encode())
    lines = 0

    async def sink(chunk: bytes) -> None:
        nonlocal lines
        out.write(chunk)
        # Approximate while streaming (a narration may hold a quoted newline); the job's
        # final row count is exact.
        lines += chunk.count(b"\n")
        await progress(lines)

    await conn.copy_from_query(copy.query, *copy.args, output=sink, format="csv")
    for row in copy.after:
        out.write(_line(row.values).encode())
