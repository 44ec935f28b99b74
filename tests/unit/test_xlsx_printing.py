"""The .xlsx writer's print set-up: page header and footer, print titles, landscape, one page
wide; and the party name shown once per group."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from export_service.document import Column, DocumentHeader, Row, rows_for_print
from export_service.xlsx import XlsxReportWriter, page_footer, page_header
from openpyxl import load_workbook

from shared.domain.reports.labels import ENGLISH, MARATHI
from tests.unit.test_xlsx_writer import HEADER_ROW, header, ledger_rows, write

PARTY_COLUMNS = (
    Column("Party", "text", 30, once_per_group=True),
    Column("Bill Ref", "text", 18),
    Column("Pending", "money", 15),
)


def test_every_sheet_prints_with_header_footer_and_titles(tmp_path: Path) -> None:
    rows = ledger_rows()
    book = load_workbook(write(tmp_path / "p.xlsx", rows, max_rows_per_sheet=HEADER_ROW + 3))
    assert len(book.worksheets) == 2
    for ws in book.worksheets:
        assert ws.oddHeader.left.text == "Acme Industries Pvt Ltd"
        assert ws.oddHeader.left.font == "-,Bold"
        assert ws.oddHeader.center.text == "Ledger statement"
        assert ws.oddHeader.right.text == "Ledger: Sharma Traders"
        assert ws.oddFooter.center.text == "Page &P of &N"
        # the column header row repeats on every printed page
        assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    assert page_footer(ENGLISH) == "&CPage &P of &N"
    assert page_footer(MARATHI) == "&C&N पैकी पृष्ठ &P"


def test_ampersands_are_escaped_and_long_names_clipped_to_excels_limit() -> None:
    plain = header()
    text = page_header(replace(plain, company="R&D Traders"))
    assert text.startswith('&L&"-,Bold"R&&D Traders&C')
    long = replace(plain, company="C" * 200, title="T" * 100, lines=("L" * 200,))
    clipped = page_header(long)
    assert len(clipped) <= 255
    assert "…" in clipped and "&CT" in clipped and "&RL" in clipped


def test_the_party_is_shown_on_its_heading_and_left_blank_on_its_bills(tmp_path: Path) -> None:
    d = Decimal
    rows = [
        Row(("Alpha Traders", None, None), "group"),
        Row(("Alpha Traders", "INV-1", d("10.00"))),
        Row(("Alpha Traders", "INV-2", d("20.00"))),
        Row(("Total Alpha Traders", None, d("30.00")), "subtotal"),
    ]
    doc = DocumentHeader(
        title="Outstanding Receivables",
        company="Acme",
        lines=("As of 31-03-2026",),
        columns=PARTY_COLUMNS,
        total_rows=len(rows),
        generated_at=datetime(2026, 4, 2, tzinfo=UTC),
    )
    writer = XlsxReportWriter()
    writer.begin(tmp_path / "o.xlsx", doc)
    writer.write_rows(rows)
    writer.finish()
    ws = load_workbook(tmp_path / "o.xlsx").worksheets[0]
    first = 3 + len(doc.lines) + 1 + 1  # company, title, lines, blank, header; 1-based
    got = [[c.value for c in r] for r in ws.iter_rows(min_row=first, max_col=3)]
    assert got == [
        ["Alpha Traders", None, None],
        [None, "INV-1", 10],
        [None, "INV-2", 20],
        ["Total Alpha Traders", None, 30],
    ]
    assert rows[1].values[0] == "Alpha Traders"  # the caller's rows are left as they were


def test_rows_for_print_leaves_reports_without_such_a_column_alone() -> None:
    rows = [Row((date(2026, 1, 1), "Sales", None, None, None, None))]
    assert rows_for_print(rows, header()) is rows


def test_a_sheet_that_opens_inside_a_group_names_the_party(tmp_path: Path) -> None:
    d = Decimal
    rows = [Row(("Alpha Traders", None, None), "group")]
    rows += [Row(("Alpha Traders", f"INV-{n}", d("1.00"))) for n in range(5)]
    doc = DocumentHeader(
        title="Outstanding Receivables",
        company="Acme",
        lines=("As of 31-03-2026",),
        columns=PARTY_COLUMNS,
        total_rows=len(rows),
        generated_at=datetime(2026, 4, 2, tzinfo=UTC),
    )
    first = 3 + len(doc.lines) + 1  # rows above the data: company, title, lines, blank, header
    writer = XlsxReportWriter(max_rows_per_sheet=first + 3)
    writer.begin(tmp_path / "o.xlsx", doc)
    writer.write_rows(rows)
    writer.finish()
    sheets = load_workbook(tmp_path / "o.xlsx").worksheets
    parties = [
        [r[0] for r in ws.iter_rows(min_row=first + 1, max_col=1, values_only=True)]
        for ws in sheets
    ]
    assert parties == [["Alpha Traders", None, None], ["Alpha Traders", None, None]]
