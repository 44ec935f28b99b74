"""The writers' side of the tabular document: the `TabularWriter` protocol and number formats.

The document itself (`DocumentHeader`, `Column`, `Row`) is defined with the reports in
`shared.domain.reports.document`, re-exported here for the writers; a report definition produces a
header and batches of rows, and the CSV, XLSX and PDF writers turn them into files. Amounts
are formatted by `shared.domain.reports.amounts` (re-exported here), which the emails share.
Writers are synchronous (xlsxwriter and reportlab are), so the render loop hands each batch to
a worker thread and the event loop stays free.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from shared.domain.reports.amounts import dr_cr, indian_grouping
from shared.domain.reports.document import (
    CellValue,
    Column,
    ColumnKind,
    DocumentHeader,
    Letterhead,
    PartyDetails,
    Row,
    RowStyle,
    rows_for_print,
)
from shared.domain.reports.labels import Labels

__all__ = [
    "CellValue",
    "Column",
    "ColumnKind",
    "DocumentHeader",
    "Labels",
    "Letterhead",
    "PartyDetails",
    "Row",
    "RowStyle",
    "TabularWriter",
    "dr_cr",
    "indian_grouping",
    "rows_for_print",
]


class TabularWriter(Protocol):
    """Writes one document to `path`: `begin`, any number of `write_rows`, then `finish`."""

    def begin(self, path: Path, header: DocumentHeader) -> None: ...

    def write_rows(self, rows: list[Row]) -> None: ...

    def finish(self) -> None: ...
