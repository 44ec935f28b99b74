"""The PDF writer, read back with pypdf: pages, footers, headers, amounts and wrapping."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from export_service.document import Column, DocumentHeader, Row, dr_cr, indian_grouping
from export_service.pdf import PdfReportWriter
from export_service.pdf_layout import MARGIN, PAD, PAGE_WIDTH
from export_service.pdf_text import text_width
from pypdf import PdfReader

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
LONG_TAIL = "TAIL-THAT-MUST-APPEAR"
# Words that fill three or four lines of the Narration column: they wrap, whole, in order.
CHEQUE_NOTE = (
    "Received against bills INV-00012, INV-00019 and INV-00023 by cheque no. 004512 dated "
    "12-04-2025 drawn on HDFC Bank, Fort branch, Mumbai; balance of Rs 1,250 adjusted "
    "against the credit note CN-0007 issued for goods returned damaged in transit"
)
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
        elif i % 25 == 1:
            narration = CHEQUE_NOTE
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
            name = str(font.get("/BaseFont", "")).split("+")[-1] if font else ""
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


def _lines(reader: PdfReader) -> list[list[dict[int, Run]]]:
    """Per page, the body's text lines top to bottom, each as {column index: run}."""
    pages = []
    for page in reader.pages:
        runs = _runs(page)
        header_y = next(r.y for r in runs if r.text == "Date")
        lines: dict[float, dict[int, Run]] = defaultdict(dict)
        for run in runs:
            if MARGIN <= run.y < header_y:
                cell = lines[run.y].setdefault(_column_of(run.x), run)
                if cell is not run:  # another font's run (after a space): the same cell
                    cell.text += " " + run.text
        pages.append([lines[y] for y in sorted(lines, reverse=True)])
    return pages


def _table(reader: PdfReader) -> list[list[dict[int, Run]]]:
    """Per page, the rows: a line with nothing but a narration continues the row above."""
    pages = []
    for page in _lines(reader):
        rows: list[dict[int, Run]] = []
        for line in page:
            if set(line) == {NARRATION} and rows:
                rows[-1][NARRATION].text += "\n" + line[NARRATION].text
            else:
                rows.append(line)
        pages.append(rows)
    return pages


def _expected(value: object, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == "date":
        assert isinstance(value, date)
        return value.strftime("%d-%m-%Y")
    if column.kind == "money":
        assert isinstance(value, Decimal)
        return indian_grouping(value) if value else ""  # zero amounts print blank
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
    assert writer.page_count == len(PdfReader(path).pages)
    return header, rows, path


def test_page_count_is_what_the_writer_counted(written: Any) -> None:
    assert len(PdfReader(written[2]).pages) >= 3


def test_page_is_a4_landscape(written: Any) -> None:
    for page in PdfReader(written[2]).pages:
        assert float(page.mediabox.width) == pytest.approx(842, abs=1)
        assert float(page.mediabox.height) == pytest.approx(595, abs=1)


def test_every_page_has_page_n_of_m_and_the_column_header(written: Any) -> None:
    reader = PdfReader(written[2])
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        runs = _runs(page)
        # drawn into the page's form once the count was known
        footers = [r.text for r in runs if r.text.startswith("Page ")]
        assert footers == [f"Page {number} of {total}"]
        header_y = next(r.y for r in runs if r.text == "Date")
        titles = [r for r in runs if r.y == header_y]
        assert [r.text for r in titles] == [c.heading for c in COLUMNS]
        assert "Debit (\u20b9)" in [r.text for r in titles]
        assert all(r.font == "NotoSans-Bold" for r in titles)
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
    recovered = [row for page in _table(PdfReader(path)) for row in page]
    assert len(recovered) == len(rows)  # every row once, in order, none split
    for row, line in zip(rows, recovered, strict=True):
        for index, column in enumerate(COLUMNS):
            text = line[index].text if index in line else ""
            expected = _expected(row.values[index], column)
            if index == NARRATION:
                # wrapped at spaces (or, inside a word wider than the column, anywhere)
                unspaced = text.replace("\n", "").replace(" ", "")
                assert text.replace("\n", " ") == expected or (
                    LONG_TAIL in expected and unspaced == expected.replace(" ", "")
                ), (row, text)
            else:
                assert text == expected, (row, index)
        latin = "NotoSans-Regular" if row.style == "normal" else "NotoSans-Bold"
        fonts = {r.font for i, r in line.items() if i != NARRATION}
        assert fonts <= {latin}


def test_zero_amounts_print_blank_in_amount_columns(written: Any) -> None:
    _, rows, path = written
    recovered = [row for page in _table(PdfReader(path)) for row in page]
    zero = [i for i, r in enumerate(rows) if Decimal(0) in r.values[DEBIT : DEBIT + 2]]
    assert zero  # the ledger has one
    for i in zero:
        assert DEBIT not in recovered[i] and DEBIT + 1 not in recovered[i]


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


def test_long_narrations_wrap_within_their_column(written: Any) -> None:
    _, rows, path = written
    reader = PdfReader(path)
    scale = (PAGE_WIDTH - 2 * MARGIN) / sum(c.width for c in COLUMNS)
    avail = COLUMNS[NARRATION].width * scale - 2 * PAD
    narrations = [
        row[NARRATION].text for page in _table(reader) for row in page if NARRATION in row
    ]
    cheques = [n for n in narrations if n.replace("\n", " ") == CHEQUE_NOTE]
    assert len(cheques) == sum(r.values[NARRATION] == CHEQUE_NOTE for r in rows) > 0
    assert all(n.count("\n") >= 2 for n in cheques)  # three lines or more, every word on them
    tails = [n for n in narrations if n.endswith(LONG_TAIL)]
    assert len(tails) == sum(LONG_TAIL in str(r.values[NARRATION]) for r in rows) > 0
    for lines in [*cheques, *tails]:
        assert all(text_width(line, 8) <= avail for line in lines.split("\n"))


def test_rows_fill_pages_and_a_row_stays_on_one_page(written: Any) -> None:
    header, _, path = written
    pages = _lines(PdfReader(path))
    assert len(pages[0]) < len(pages[1])  # the title block takes room on page 1
    capacity = max(len(page) for page in pages)
    for page in pages:
        assert 0 not in page[0] or page[0][0].text  # a page opens with a row's first line
    # a page ends early only when the next row (2 or 3 lines) would not fit on it
    assert all(len(page) >= capacity - 2 for page in pages[1:-1])
    assert sum(len(rows) for rows in _table(PdfReader(path))) == header.total_rows


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


def test_a_row_taller_than_a_page_goes_on_over_the_next(tmp_path: Path) -> None:
    header, rows = _ledger(3)
    lines = [f"line {n:03d} of a very long note" for n in range(150)]
    rows[2] = Row((*rows[2].values[:NARRATION], "\n".join(lines), *rows[2].values[4:]))
    writer = PdfReportWriter()
    writer.begin(tmp_path / "tall.pdf", header)
    writer.write_rows(rows)
    writer.finish()
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "tall.pdf").pages)
    assert writer.page_count >= 3
    found = [line for line in text.splitlines() if line.startswith("line ")]
    assert found == lines  # every line once, in order, across the pages
