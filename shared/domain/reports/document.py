"""The shape every report produces and every writer draws: a header, typed columns, styled rows.

A report definition opens a `ReportSource` (the header, how many data rows, the rows in
batches); the export-service's CSV, XLSX and PDF writers turn it into a file. A report whose
rows PostgreSQL can write as CSV by itself also offers a `CsvCopy`, the fast path for CSV.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from shared.domain.reports.labels import ENGLISH, Labels

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
    # The value repeats its group heading's (the outstanding report's party). Formats read by
    # people (XLSX, PDF) leave it blank on data rows, under the heading that names it; CSV keeps
    # it on every row, because a machine reads each row on its own.
    once_per_group: bool = False

    @property
    def heading(self) -> str:
        """The title as people read it (XLSX, PDF): amount columns say their currency,
        "Debit (₹)". CSV keeps the bare title, which its snake-case headings are made of."""
        return f"{self.title} (\u20b9)" if self.kind in ("money", "balance") else self.title


@dataclass(frozen=True)
class Row:
    values: tuple[CellValue, ...]
    style: RowStyle = "normal"


@dataclass(frozen=True)
class Letterhead:
    """Who sends the document: the company block at the top (the tenant's profile).

    Without a profile it is the tenant's name alone, as documents always showed it."""

    name: str  # the legal name, else the tenant's name
    address: tuple[str, ...] = ()
    gstin: str | None = None
    pan: str | None = None
    phone: str | None = None
    email: str | None = None

    def detail_lines(self, labels: Labels = ENGLISH) -> tuple[str, ...]:
        """Under the name: the address lines, then the tax ids, then how to reach the company,
        each value after its word in `labels`' language."""
        tax = _joined(labels, (labels.gstin, self.gstin), (labels.pan, self.pan))
        contact = _joined(labels, (labels.phone, self.phone), (labels.email, self.email))
        return (*self.address, *(line for line in (tax, contact) if line))


@dataclass(frozen=True)
class PartyDetails:
    """Whom a party ledger's statement concerns: the party's name, address and GSTIN."""

    name: str
    address: tuple[str, ...] = ()
    gstin: str | None = None

    def detail_lines(self, labels: Labels = ENGLISH) -> tuple[str, ...]:
        gstin = (labels.labelled(labels.gstin, self.gstin),) if self.gstin else ()
        return (*self.address, *gstin)


def _joined(labels: Labels, *labelled: tuple[str, str | None]) -> str:
    return " \u00b7 ".join(labels.labelled(label, value) for label, value in labelled if value)


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
    # The company block on top (None: the tenant's name alone, `company`), set by the render
    # from the tenant's profile; the party's block, set by a report about one party.
    letterhead: Letterhead | None = None
    party: PartyDetails | None = None
    # The language of the writers' own words ("Page N of M", "Generated ...", a balance's
    # Dr/Cr, the letterhead's "Phone"/"Email"); the source wrote the title, lines, column
    # titles, balance and total rows in it already.
    labels: Labels = ENGLISH


@dataclass(frozen=True)
class CsvCopy:
    """The CSV written by PostgreSQL itself (`COPY (query) TO STDOUT`), between a few rows
    drawn in Python: the data rows never pass through Python."""

    before: tuple[Row, ...]
    query: str
    args: tuple[Any, ...]
    after: tuple[Row, ...]


@dataclass(frozen=True)
class ReportSource:
    """A document header, the rows to draw, and how many of them are data rows.

    `rows` is an async generator that starts reading only when iterated, so a renderer that
    takes the `csv_copy` path instead never opens its cursor. `file_params` are the values the
    file name is made of, as resolved against the books (a ledger's canonical name)."""

    header: DocumentHeader
    data_rows: int
    rows: AsyncIterator[list[Row]]
    file_params: dict[str, Any]
    csv_copy: CsvCopy | None = None


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
