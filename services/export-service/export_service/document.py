"""The tabular document every renderer draws: a header, typed columns, and styled rows.

Report sources (ledger, outstanding) produce a `DocumentHeader` and batches of `Row`s; the
XLSX and PDF writers turn them into files. Writers are synchronous (xlsxwriter and reportlab
are), so the render loop hands each batch to a worker thread and the event loop stays free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal, Protocol

# text: plain string; date: a `date`; money: a non-negative or signed `Decimal` amount;
# balance: a signed `Decimal` shown as an absolute amount with Dr (>= 0) or Cr (< 0);
# integer: an `int` (days overdue).
ColumnKind = Literal["text", "date", "money", "balance", "integer"]

# normal: a data row; opening/closing: balance lines; group: a party heading (outstanding);
# subtotal: a party's total; total: period or grand totals. Everything but normal is bold.
RowStyle = Literal["normal", "opening", "group", "subtotal", "total", "closing"]

CellValue = str | date | Decimal | int | None


@dataclass(frozen=True)
class Column:
    title: str
    kind: ColumnKind
    # Relative width in characters; writers scale it to the page or sheet.
    width: int


@dataclass(frozen=True)
class Row:
    values: tuple[CellValue, ...]
    style: RowStyle = "normal"


@dataclass(frozen=True)
class DocumentHeader:
    title: str  # "Ledger statement", "Outstanding receivables"
    company: str  # the tenant's name
    lines: tuple[str, ...]  # "Ledger: Sharma Traders", "Period: 01-04-2025 to 31-03-2026"
    columns: tuple[Column, ...]
    # Exactly how many rows the document will carry (all styles): writers that need the page
    # count up front ("Page N of M") rely on it.
    total_rows: int
    generated_at: datetime


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
