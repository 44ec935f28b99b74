"""The on-screen preview of a report: the PDF's header block, rows and totals, as printed."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from shared.domain.reports.cells import row_texts
from shared.domain.reports.document import ColumnKind, Letterhead, PartyDetails, Row, RowStyle
from shared.domain.reports.labels import Labels


class PreviewBlock(BaseModel):
    """A letterhead block: the name in bold, then its detail lines (address, GSTIN, contact)."""

    name: str
    lines: list[str]

    @classmethod
    def of(cls, block: Letterhead | PartyDetails, labels: Labels) -> PreviewBlock:
        return cls(name=block.name, lines=list(block.detail_lines(labels)))


class PreviewColumn(BaseModel):
    heading: str = Field(description='As the PDF heads it: amounts name the currency, "Debit (₹)".')
    kind: ColumnKind = Field(description="money, balance and integer columns align right.")
    width: int = Field(description="Relative width, as the PDF shares the page among columns.")


class PreviewRow(BaseModel):
    style: RowStyle = Field(description="Everything but `normal` is printed bold.")
    cells: list[str | None] = Field(
        description="Each cell as the PDF prints it (dd-mm-yyyy, 1,23,456.00, 12.00 Dr); "
        "null where the PDF leaves it blank."
    )

    @classmethod
    def of(cls, kinds: tuple[ColumnKind, ...], row: Row, labels: Labels) -> PreviewRow:
        return cls(style=row.style, cells=row_texts(kinds, row, labels))


class ReportPreviewPublic(BaseModel):
    report: str
    language: str = Field(description="The language of the document's fixed words.")
    company: PreviewBlock
    party: PreviewBlock | None
    title: str
    lines: list[str] = Field(description="Under the title: the ledger, the period, as of.")
    generated_at: datetime = Field(description="In the tenant's timezone.")
    generated: str = Field(description='The PDF\'s line: "Generated 05-12-2026 16:50 IST".')
    columns: list[PreviewColumn]
    opening: list[PreviewRow] = Field(description="Rows before the body (opening balance).")
    rows: list[PreviewRow] = Field(description="This page of the body.")
    closing: list[PreviewRow] = Field(
        description="Rows after the body: totals and the closing balance (with Dr/Cr)."
    )
    body_rows: int = Field(description="Body rows in the whole report, over all pages.")
    start: int = Field(description="The position of this page's first body row (0-based).")
    next_cursor: str | None = Field(description="`cursor` of the next page; null on the last.")
    footer: str = Field(description="Each PDF page's footer, left: company and title.")
    page_of: str = Field(description='Each PDF page\'s footer, right: "Page {page} of {pages}".')
