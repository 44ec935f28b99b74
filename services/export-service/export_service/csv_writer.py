"""CSV for every report: plain numbers (no grouping), ISO dates, UTF-8, one header row.

Headings are the column titles in snake case (`Bill Amount` -> `bill_amount`), so a
spreadsheet or a script reads them alike. Group headings are left out: every CSV row
already names its party.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO

from .document import CellValue, Column, DocumentHeader, Row


def _cell(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_header(columns: Iterable[Column]) -> bytes:
    return csv_line(tuple(c.title.lower().replace(" ", "_") for c in columns))


def csv_line(values: tuple[CellValue, ...]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([_cell(v) for v in values])
    return buffer.getvalue().encode()


class CsvReportWriter:
    """A `TabularWriter` for CSV."""

    def __init__(self) -> None:
        self._file: IO[str] | None = None

    def begin(self, path: Path, header: DocumentHeader) -> None:
        self._file = path.open("w", encoding="utf-8", newline="")
        self._file.write(csv_header(header.columns).decode())

    def write_rows(self, rows: list[Row]) -> None:
        assert self._file is not None
        writer = csv.writer(self._file, lineterminator="\n")
        writer.writerows([_cell(v) for v in row.values] for row in rows if row.style != "group")

    def finish(self) -> None:
        assert self._file is not None
        self._file.close()
