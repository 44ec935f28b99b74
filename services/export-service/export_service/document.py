"""The writers' side of the tabular document: the `TabularWriter` protocol and number formats.

The document itself (`DocumentHeader`, `Column`, `Row`) is defined with the reports in
`shared.domain.reports.document`, re-exported here for the writers; a report definition produces a
header and batches of rows, and the CSV, XLSX and PDF writers turn them into files. Writers
are synchronous (xlsxwriter and reportlab are), so the render loop hands each batch to a
worker thread and the event loop stays free.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Protocol

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


def indian_grouping(amount: Decimal) -> str:
    """12,34,567.89: the last three digits, then groups of two (lakh, crore)."""
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):.2f}".partition(".")
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join([*groups, tail])
    return f"{sign}{whole}.{fraction}"


def dr_cr(balance: Decimal) -> str:
    """A balance as accountants write it: the amount in Indian grouping with Dr or Cr."""
    return f"{indian_grouping(abs(balance))} {'Dr' if balance >= 0 else 'Cr'}"


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
