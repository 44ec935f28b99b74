"""The PDF writer, read back with pypdf: pages, footers, headers, amounts and clipping."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from export_service.document import Column, DocumentHeader, Row, dr_cr, indian_grouping
from export_service.pdf import MARGIN, PAD, PAGE_WIDTH, PdfReportWriter, page_count
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

COLUMNS = (
    Column("Date", "date", 10),
    Column("Voucher type", "text", 12),
    Column("Voucher no", "text", 10),
    Column("Narration", "text", 40),
    Column("Debit", "money", 14),
    Column("Credit", "money", 14),
    Column("Balance", "balance", 17),
)
DEBIT, NARRATION = 4, 3
LONG_TAIL = "TAIL-THAT-MUST-NOT-APPEAR"
RUPEE_NOTE = "Paid \u20b9 500 in cash"
IST = timezone(timedelta(hours=5, minutes=30), "IST")


def _ledger(entries: int) -> tuple[DocumentHeader, list[Row]]:
    opening = Decimal("-25000.00")
    rows = [Row((None, None, None, "Opening balance", None, None, opening), "opening")]
    balance, debits, credits = opening, Decimal(0), Decimal(0)
    for i in range(entries):
        day = date(2025, 4, 1) + timedelta(days=i % 365)
        amount = Decimal(i * 7_654_321 % 99_999_999) / 100  # up to lakhs and crores
        narration = f"Goods sold, bill {i}"
        if i % 25 == 0:
            narration = "Being a very long narration " + "x" * 90 + LONG_TAIL
        elif i % 31 == 0:
            narration = f"{RUPEE_NOTE} \u0928\u0915\u0926"  # outside the standard fonts
        if i % 3:
            debit, credit = amount, None
            debits += amount
            balance += amount
        else:
            debit, credit = None, amount
            credits += amount
            balance -= amount
        rows.append(Row((day, "Sales", f"INV-{i:05d}", narration, debit, credit, balance)))
    rows.append(Row((None, None, None, "Period total", debits, credits, None), "total"))
    rows.append(Row((None, None, None, "Closing balance", None, None, balance), "closing"))
    header = DocumentHeader(
        title="Ledger statement",
        company="Sharma Traders Pvt Ltd",
        lines=("Ledger: Sharma Traders", "Period: 01-04-2025 to 31-03-2026"),
        columns=COLUMNS,
        total_rows=len(rows),
        generated_at=datetime(2026, 1, 2, 15, 4, tzinfo=IST),
    )
    return header, rows


@dataclass
class Run:
    x: float
    y: float
    text: str
    font: str


def _runs(page: Any) -> list[Run]:
    runs: list[Run] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip():
            name = str(font.get("/BaseFont", "")) if font else ""
            runs.append(Run(float(tm[4]), float(tm[5]), text.strip(), name))

    page.extract_text(visitor_text=visit)
    return runs


def _column_of(x: float) -> int:
    scale = (PAGE_WIDTH - 2 * MARGIN) / sum(c.width for c in COLUMNS)
    left = MARGIN
    for index, column in enumerate(COLUMNS):
        if left <= x < left + column.width * scale:
            return index
        left += column.width * scale
    raise AssertionError(f"x={x} is outside the table")


def _table(reader: PdfReader) -> list[list[dict[int, Run]]]:
    """Per page, the body rows top to bottom, each as {column index: run}."""
    pages = []
    for page in reader.pages:
        runs = _runs(page)
        header_y = next(r.y for r in runs if r.text == "Date")
        lines: dict[float, dict[int, Run]] = defaultdict(dict)
        for run in runs:
            if MARGIN <= run.y < header_y:
                cell = lines[run.y].setdefault(_column_of(run.x), run)
                if cell is not run:  # a fallback font's glyphs: part of the same cell
                    cell.text += run.text
        pages.append([lines[y] for y in sorted(lines, reverse=True)])
    return pages


def _expected(value: object, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == "date":
        assert isinstance(value, date)
        return value.strftime("%d-%m-%Y")
    if column.kind == "money":
        assert isinstance(value, Decimal)
        return indian_grouping(value)
    if column.kind == "balance":
        assert isinstance(value, Decimal)
        return dr_cr(value)
    return str(value)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocumentHeader, list[Row], Path]:
    header, rows = _ledger(300)
    path = tmp_path_factory.mktemp("pdf") / "ledger.pdf"
    writer = PdfReportWriter()
    writer.begin(path, header)
    for start in range(0, len(rows), 37):  # batches that straddle page breaks
        writer.write_rows(rows[start : start + 37])
    writer.finish()
    assert writer.page_count == page_count(header)
    return header, rows, path


def test_page_count_is_what_the_writer_computed(written: Any) -> None:
    header, _, path = written
    reader = PdfReader(path)
    assert len(reader.pages) == page_count(header) >= 3


def test_page_is_a4_landscape(written: Any) -> None:
    for page in PdfReader(written[2]).pages:
        assert float(page.mediabox.width) == pytest.approx(842, abs=1)
        assert float(page.mediabox.height) == pytest.approx(595, abs=1)


def test_every_page_has_page_n_of_m_and_the_column_header(written: Any) -> None:
    reader = PdfReader(written[2])
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        runs = _runs(page)
        footers = [r.text for r in runs if r.text.startswith("Page ")]
        assert footers == [f"Page {number} of {total}"]
        header_y = next(r.y for r in runs if r.text == "Date")
        titles = [r for r in runs if r.y == header_y]
        assert [r.text for r in titles] == [c.title for c in COLUMNS]
        assert all(r.font == "/Helvetica-Bold" for r in titles)
        assert "Sharma Traders Pvt Ltd \u2014 Ledger statement" in page.extract_text()


def test_title_block_on_first_page_only(written: Any) -> None:
    header, _, path = written
    reader = PdfReader(path)
    first = reader.pages[0].extract_text().splitlines()
    expected = [header.company, header.title, *header.lines, "Generated 02-01-2026 15:04 IST"]
    assert first[: len(expected)] == expected
    for page in reader.pages[1:]:
        assert header.lines[0] not in page.extract_text()


def test_rows_read_back_cell_by_cell(written: Any) -> None:
    _, rows, path = written
    pages = _table(PdfReader(path))
    recovered = [line for page in pages for line in page]
    # One line per row: every row is exactly one text line, in order.
    assert len(recovered) == len(rows)
    for row, line in zip(rows, recovered, strict=True):
        for index, column in enumerate(COLUMNS):
            text = line[index].text if index in line else ""
            if index == NARRATION and text.endswith("\u2026"):
                continue  # clipped; checked below
            if index == NARRATION and RUPEE_NOTE in str(row.values[index]):
                assert text.startswith("Paid Rs. 500 in cash")
                continue
            assert text == _expected(row.values[index], column), (row, index)
        font = "/Helvetica" if row.style == "normal" else "/Helvetica-Bold"
        assert {r.font for r in line.values()} == {font}


def test_debit_column_sums_back_to_what_was_written(written: Any) -> None:
    _, rows, path = written
    recovered = [line for page in _table(PdfReader(path)) for line in page]
    parsed = [
        Decimal(line[DEBIT].text.replace(",", ""))
        for line in recovered
        if DEBIT in line and line[NARRATION].text != "Period total"
    ]
    written_sum = sum(
        (r.values[DEBIT] for r in rows if r.style == "normal" and r.values[DEBIT] is not None),
        Decimal(0),
    )
    assert isinstance(written_sum, Decimal) and written_sum > Decimal("10000000")  # crores
    assert sum(parsed, Decimal(0)) == written_sum
    totals = [line for line in recovered if NARRATION in line and "total" in line[NARRATION].text]
    assert totals[0][DEBIT].text == indian_grouping(written_sum)


def test_indian_grouping_and_dr_cr_appear(written: Any) -> None:
    text = "\n".join(p.extract_text() for p in PdfReader(written[2]).pages)
    assert "25,000.00 Cr" in text  # the opening balance, negative
    assert " Dr" in text
    lakhs = [w for w in text.split() if w.count(",") >= 2 and w[0].isdigit()]
    assert lakhs and all(len(group) == 2 for w in lakhs for group in w.split(",")[1:-1])


def test_long_narrations_are_clipped_not_wrapped(written: Any) -> None:
    _, rows, path = written
    reader = PdfReader(path)
    all_text = "\n".join(p.extract_text() for p in reader.pages)
    assert LONG_TAIL not in all_text
    scale = (PAGE_WIDTH - 2 * MARGIN) / sum(c.width for c in COLUMNS)
    avail = COLUMNS[NARRATION].width * scale - 2 * PAD
    clipped = [
        line[NARRATION].text
        for page in _table(reader)
        for line in page
        if line[NARRATION].text.endswith("\u2026")
    ]
    long_rows = [r for r in rows if LONG_TAIL in str(r.values[NARRATION])]
    assert len(clipped) == len(long_rows) > 0
    for text in clipped:
        assert text.startswith("Being a very long narration x")
        assert pdfmetrics.stringWidth(text, "Helvetica", 8) <= avail


def test_pages_hold_fixed_row_counts(written: Any) -> None:
    header, _, path = written
    pages = _table(PdfReader(path))
    per_page = len(pages[1])
    assert len(pages[0]) < per_page  # the title block takes room on page 1
    assert all(len(page) == per_page for page in pages[1:-1])
    assert sum(len(page) for page in pages) == header.total_rows


def test_reportlab_compression_gives_the_same_document(written: Any, tmp_path: Path) -> None:
    header, rows, path = written
    late = tmp_path / "late.pdf"
    writer = PdfReportWriter(deflate_early=False)
    writer.begin(late, header)
    writer.write_rows(rows)
    writer.finish()
    early_pages, late_pages = PdfReader(path).pages, PdfReader(late).pages
    assert len(early_pages) == len(late_pages)
    assert [p.extract_text() for p in early_pages] == [p.extract_text() for p in late_pages]


def test_row_count_must_match_the_header(tmp_path: Path) -> None:
    header, rows = _ledger(10)
    writer = PdfReportWriter()
    writer.begin(tmp_path / "over.pdf", header)
    with pytest.raises(ValueError, match="total_rows"):
        writer.write_rows([*rows, rows[-1]])
    short = tmp_path / "short.pdf"
    writer = PdfReportWriter()
    writer.begin(short, header)
    writer.write_rows(rows[:-1])
    with pytest.raises(ValueError, match="total_rows"):
        writer.finish()
    assert not short.exists()


def test_empty_report_is_one_page(tmp_path: Path) -> None:
    header, _ = _ledger(0)
    header = DocumentHeader(
        header.title, header.company, header.lines, COLUMNS, 0, header.generated_at
    )
    writer = PdfReportWriter()
    writer.begin(tmp_path / "empty.pdf", header)
    writer.finish()
    reader = PdfReader(tmp_path / "empty.pdf")
    assert len(reader.pages) == 1
    assert "Page 1 of 1" in reader.pages[0].extract_text()
