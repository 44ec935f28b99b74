"""The PDF writer and the party column of the outstanding report: named on the group heading
and the subtotal, blank on the bills, and named again on a page that opens inside a group."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from export_service.document import Column, DocumentHeader, Row
from export_service.pdf import PdfReportWriter
from pypdf import PdfReader

COLUMNS = (
    Column("Party", "text", 28, once_per_group=True),
    Column("Bill Ref", "text", 18),
    Column("Due Date", "date", 11),
    Column("Pending", "money", 15),
)
BILLS = 150  # enough for three pages of one party's bills


def test_the_party_heads_its_group_and_each_page_it_continues_on(tmp_path: Path) -> None:
    party = "Mehta Hardware Stores"
    rows = [Row((party, None, None, None), "group")]
    rows += [Row((party, f"INV-{n:04d}", date(2026, 1, 1), Decimal("10.00"))) for n in range(BILLS)]
    rows.append(Row((f"Total {party}", None, None, Decimal(10 * BILLS)), "subtotal"))
    header = DocumentHeader(
        title="Outstanding Receivables",
        company="Acme",
        lines=("As of 31-03-2026",),
        columns=COLUMNS,
        total_rows=len(rows),
        generated_at=datetime(2026, 4, 1, tzinfo=UTC),
    )
    writer = PdfReportWriter()
    writer.begin(tmp_path / "o.pdf", header)
    for start in range(0, len(rows), 37):  # batches that do not line up with pages
        writer.write_rows(rows[start : start + 37])
    writer.finish()

    pages = [page.extract_text() for page in PdfReader(tmp_path / "o.pdf").pages]
    assert len(pages) >= 3
    counts = [text.count(party) for text in pages]
    # page 1: the heading; pages after it: once, on their first bill; the last also has
    # "Total Mehta Hardware Stores"
    assert counts == [1] + [1] * (len(pages) - 2) + [2]
    for text in pages[1:]:
        cells = text.splitlines()  # one cell a line, row by row, after the column titles
        first_bill = next(i for i, cell in enumerate(cells) if cell.startswith("INV-"))
        assert cells[first_bill - 1] == party
