"""The .xlsx writer: title rows, typed cells, Indian number formats, bold rows, sheet roll-over."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from export_service.document import Column, DocumentHeader, Row, RowStyle
from export_service.xlsx import (
    DATE_FORMAT,
    INDIAN_MONEY_FORMAT,
    XlsxReportWriter,
    balance_number_format,
    indian_number_format,
)
from openpyxl import load_workbook

COLUMNS = (
    Column("Date", "date", 10),
    Column("Particulars", "text", 30),
    Column("Debit", "money", 14),
    Column("Credit", "money", 14),
    Column("Balance", "balance", 17),
    Column("Days", "integer", 5),
)
LINES = ("Ledger: Sharma Traders", "Period: 01-04-2025 to 31-03-2026")
# 1-based: company, title, lines, "Generated ...", then the header
HEADER_ROW = 3 + len(LINES) + 1


def header(lines: tuple[str, ...] = LINES, total_rows: int = 0) -> DocumentHeader:
    return DocumentHeader(
        title="Ledger statement",
        company="Acme Industries Pvt Ltd",
        lines=lines,
        columns=COLUMNS,
        total_rows=total_rows,
        generated_at=datetime(2026, 4, 2, 10, 30, tzinfo=UTC),
    )


def ledger_rows() -> list[Row]:
    d, day = Decimal, date
    return [
        Row((day(2025, 4, 1), "Opening Balance", None, None, d("1500.00"), None), "opening"),
        Row((day(2025, 4, 3), "Sales", d("1234567.89"), None, d("1236067.89"), 12)),
        Row((day(2025, 4, 9), "Receipt", None, d("2500000.50"), d("-1263932.61"), 0)),
        Row((day(2025, 5, 1), "Journal", d("0.10"), d("0.20"), d("-1263932.71"), 3)),
        Row((day(2026, 3, 31), "Total", d("1234567.99"), d("2500000.70"), None, None), "total"),
        Row((day(2026, 3, 31), "Closing Balance", None, None, d("-1263932.71"), None), "closing"),
    ]


def write(
    path: Path, rows: list[Row], *, batch: int = 2, lines: tuple[str, ...] = LINES, **kwargs: Any
) -> Path:
    writer = XlsxReportWriter(**kwargs)
    writer.begin(path, header(lines, total_rows=len(rows)))
    for start in range(0, len(rows), batch):
        writer.write_rows(rows[start : start + batch])
    writer.finish()
    return path


def data_rows(ws: Any) -> list[list[Any]]:
    return [
        [cell.value for cell in row]
        for row in ws.iter_rows(min_row=HEADER_ROW + 1, max_col=len(COLUMNS))
    ]


def test_title_rows_and_a_bold_frozen_header(tmp_path: Path) -> None:
    ws = load_workbook(write(tmp_path / "l.xlsx", ledger_rows())).worksheets[0]
    assert ws.title == "Sheet 1"
    assert ws["A1"].value == "Acme Industries Pvt Ltd"
    assert ws["A1"].font.b and ws["A1"].font.sz > 11
    assert ws["A2"].value == "Ledger statement"
    assert [ws.cell(3 + i, 1).value for i in range(len(LINES))] == list(LINES)
    # The writer prints the moment in the zone it carries (render puts it in the tenant's).
    stamp_row = [c.value for c in ws[HEADER_ROW - 1]]
    assert stamp_row[0] == "Generated 02-04-2026 10:30 UTC"
    assert all(value is None for value in stamp_row[1:])
    head = ws[HEADER_ROW]
    assert [c.value for c in head] == [c.heading for c in COLUMNS]
    assert "Debit (\u20b9)" in [c.value for c in head]  # amount columns name the currency
    assert all(c.font.b for c in head)
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEF"}
    assert widths["B"] > widths["A"] and widths["E"] >= widths["C"]


def test_cells_are_typed_by_column_kind(tmp_path: Path) -> None:
    ws = load_workbook(write(tmp_path / "l.xlsx", ledger_rows())).worksheets[0]
    sales = ws[HEADER_ROW + 2]
    assert sales[0].value == datetime(2025, 4, 3)
    assert sales[0].is_date and sales[0].number_format == DATE_FORMAT
    assert sales[1].value == "Sales"
    assert isinstance(sales[2].value, float) and sales[2].number_format == INDIAN_MONEY_FORMAT
    assert sales[3].value is None
    assert isinstance(sales[5].value, int) and sales[5].value == 12
    receipt = ws[HEADER_ROW + 3]
    # Balances keep their sign; the format shows the absolute value with Dr or Cr.
    assert receipt[4].value == pytest.approx(-1263932.61)
    assert receipt[4].number_format == balance_number_format(1)
    assert sales[4].number_format == '##\\,##\\,##0.00 "Dr";##\\,##\\,##0.00 "Cr"'
    opening = ws[HEADER_ROW + 1]
    assert opening[4].number_format == '#,##0.00 "Dr";#,##0.00 "Cr"'
    assert opening[2].value is None and opening[5].value is None


def test_money_sums_to_the_decimals_written(tmp_path: Path) -> None:
    rows = ledger_rows()
    ws = load_workbook(write(tmp_path / "l.xlsx", rows)).worksheets[0]
    for col in (2, 3):
        written = sum((v for r in rows if isinstance(v := r.values[col], Decimal)), Decimal(0))
        read = sum(Decimal(str(r[col])) for r in data_rows(ws) if r[col] is not None)
        assert read.quantize(Decimal("0.01")) == written


def test_amount_formats_follow_magnitude_and_sign(tmp_path: Path) -> None:
    amounts = [
        Decimal("500.00"),
        Decimal("-500.00"),
        Decimal("-123456.78"),
        Decimal("12345678.90"),
        Decimal("1234567890.12"),
    ]
    rows = [Row((date(2025, 4, 1), "x", a, None, a, None)) for a in amounts]
    ws = load_workbook(write(tmp_path / "a.xlsx", rows)).worksheets[0]
    got = [(r[2].number_format, r[4].number_format) for r in ws.iter_rows(min_row=HEADER_ROW + 1)]
    assert got == [
        (INDIAN_MONEY_FORMAT, balance_number_format(0)),
        (indian_number_format(0), balance_number_format(0)),
        (indian_number_format(1), balance_number_format(1)),
        (INDIAN_MONEY_FORMAT, balance_number_format(2)),
        (indian_number_format(3), balance_number_format(3)),
    ]
    assert indian_number_format(3) == r"##\,##\,##\,##\,##0.00"
    assert [r[2].value for r in ws.iter_rows(min_row=HEADER_ROW + 1)] == [float(a) for a in amounts]


def test_rows_other_than_normal_are_bold_and_totals_ruled(tmp_path: Path) -> None:
    ws = load_workbook(write(tmp_path / "l.xlsx", ledger_rows())).worksheets[0]
    styles = [r.style for r in ledger_rows()]
    for offset, style in enumerate(styles, start=1):
        cells = ws[HEADER_ROW + offset]
        assert bool(cells[1].font.b) == (style != "normal"), style
    total = ws[HEADER_ROW + styles.index("total") + 1]
    assert all(c.border.top.style == "thin" for c in total)  # empty cells too
    assert total[5].value is None


def test_a_full_sheet_continues_on_the_next_with_the_header_repeated(tmp_path: Path) -> None:
    # 10 rows a sheet: 6 title and header rows leave 4 data rows; 10 rows fill 4 + 4 + 2.
    rows = [
        Row((date(2025, 4, 1 + i), f"entry {i}", Decimal(i) + Decimal("0.25"), None, None, i))
        for i in range(10)
    ]
    path = write(tmp_path / "big.xlsx", rows, batch=7, max_rows_per_sheet=10)
    book = load_workbook(path)
    assert book.sheetnames == ["Sheet 1", "Sheet 2", "Sheet 3"]
    seen: list[list[Any]] = []
    for ws in book.worksheets:
        assert ws.max_row <= 10
        assert ws["A1"].value == "Acme Industries Pvt Ltd"
        assert [c.value for c in ws[HEADER_ROW]] == [c.heading for c in COLUMNS]
        assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
        seen.extend(data_rows(ws))
    assert [r[1] for r in seen] == [f"entry {i}" for i in range(10)]
    assert [r[5] for r in seen] == list(range(10))
    assert [r[2] for r in seen] == [i + 0.25 for i in range(10)]


def test_rows_that_exactly_fill_a_sheet_leave_no_empty_sheet(tmp_path: Path) -> None:
    rows = [Row((None, f"entry {i}", None, None, None, None)) for i in range(8)]
    book = load_workbook(write(tmp_path / "x.xlsx", rows, batch=8, max_rows_per_sheet=10))
    assert book.sheetnames == ["Sheet 1", "Sheet 2"]
    assert sum(len(data_rows(ws)) for ws in book.worksheets) == 8


def test_text_that_looks_like_markup_is_written_verbatim(tmp_path: Path) -> None:
    texts = ["<r>x</r>", "<r><t>a</t></r><b/>", "a & b < c"]
    styles: tuple[RowStyle, ...] = ("normal", "total", "normal")
    rows = [Row((None, t, None, None, None, None), s) for t, s in zip(texts, styles, strict=True)]
    lines = ("<r>Ledger: <b/></r>", "Period")
    ws = load_workbook(write(tmp_path / "t.xlsx", rows, lines=lines)).worksheets[0]
    assert [r[1] for r in data_rows(ws)] == texts
    assert ws["A3"].value == lines[0]


def test_bad_input_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="max_rows_per_sheet"):
        XlsxReportWriter(max_rows_per_sheet=0)
    with pytest.raises(ValueError, match="no room"):
        XlsxReportWriter(max_rows_per_sheet=5).begin(tmp_path / "a.xlsx", header())
    writer = XlsxReportWriter()
    with pytest.raises(RuntimeError):
        writer.write_rows([])
    writer.begin(tmp_path / "b.xlsx", header())
    with pytest.raises(ValueError, match="6 columns"):
        writer.write_rows([Row((None,))])
    with pytest.raises(TypeError, match="'Date' \\(date\\)"):
        writer.write_rows([Row(("yesterday", None, None, None, None, None))])
    writer.finish()
