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
)

__all__ = [
    "CellValue",
    "Column",
    "ColumnKind",
    "DocumentHeader",
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


def rows_for_print(
    rows: list[Row], header: DocumentHeader, *, name_first: bool = False
) -> list[Row]:
    """Rows as XLSX and PDF draw them: a `once_per_group` cell blank on data rows, since the
    group heading above already names it (the party's name on every bill is noise on paper).
    `name_first` keeps the first row whole: a PDF page that opens inside a group would
    otherwise show bills of a party named only on the page before."""
    column = next((i for i, col in enumerate(header.columns) if col.once_per_group), None)
    if column is None:
        return rows
    kept = 1 if name_first else 0
    return rows[:kept] + [
        Row((*row.values[:column], None, *row.values[column + 1 :]), row.style)
        if row.style == "normal"
        else row
        for row in rows[kept:]
    ]
