"""CSV cells a spreadsheet cannot run: the neutralising rule, its inverse, field quoting, and the
report CSV writer that uses them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from export_service.csv_writer import CsvReportWriter
from export_service.document import Column, DocumentHeader, Row

from shared.domain.csv_cells import (
    FORMULA_TRIGGERS,
    UTF8_BYTE_ORDER_MARK,
    csv_field,
    csv_line,
    neutralise_cell,
    restore_cell,
)

UNCHANGED = ["", "Sharma Traders", "Sales", "V/00001", "'", "'quoted", "a=b", "1-2", "श्री गणेश"]


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_a_cell_starting_with_a_formula_trigger_gets_an_apostrophe(trigger: str) -> None:
    text = f'{trigger}HYPERLINK("http://x")'
    assert neutralise_cell(text) == "'" + text
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize("text", UNCHANGED)
def test_other_cells_are_left_alone(text: str) -> None:
    assert neutralise_cell(text) == text
    assert restore_cell(text) == text


@pytest.mark.parametrize("text", ["'=1+2", "''-5", "'@SUM(A1)"])
def test_apostrophes_before_a_trigger_round_trip_exactly(text: str) -> None:
    assert neutralise_cell(text) == "'" + text
    assert restore_cell(neutralise_cell(text)) == text


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("plain", "plain"),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("line\nbreak", '"line\nbreak"'),
        ("carriage\rreturn", '"carriage\rreturn"'),
    ],
)
def test_fields_are_quoted_as_postgresql_quotes_them(text: str, field: str) -> None:
    assert csv_field(text) == field
    assert next(csv.reader(io.StringIO(csv_line([text, "x"]), newline=""))) == [text, "x"]


COLUMNS = (
    Column("Date", "date", 10),
    Column("Narration", "text", 30),
    Column("Amount", "money", 14),
    Column("Days", "integer", 5),
)


def _written(tmp_path: Path, rows: list[Row], byte_order_mark: bool = True) -> bytes:
    header = DocumentHeader(
        title="Test",
        company="Acme",
        lines=(),
        columns=COLUMNS,
        total_rows=len(rows),
        generated_at=datetime(2026, 4, 2, tzinfo=UTC),
    )
    writer = CsvReportWriter(byte_order_mark)
    path = tmp_path / "out.csv"
    writer.begin(path, header)
    writer.write_rows(rows)
    writer.finish()
    return path.read_bytes()


def _records(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("trigger", FORMULA_TRIGGERS)
def test_the_report_writer_neutralises_text_and_keeps_numbers(tmp_path: Path, trigger: str) -> None:
    day = date(2026, 4, 1)
    rows = [Row((day, f"{trigger}cmd|' /C calc'!A0", Decimal("-500.00"), -3))]
    [header, row] = _records(_written(tmp_path, rows))
    assert header == ["date", "narration", "amount", "days"]
    assert row == ["2026-04-01", f"'{trigger}cmd|' /C calc'!A0", "-500.00", "-3"]


def test_the_report_writer_quotes_a_carriage_return(tmp_path: Path) -> None:
    rows = [Row((None, "cheque\r\nno. 12", Decimal("1.00"), None)), Row((None, "next", None, 1))]
    assert _records(_written(tmp_path, rows))[1:] == [
        ["", "cheque\r\nno. 12", "1.00", ""],
        ["", "next", "", "1"],
    ]


@pytest.mark.parametrize("byte_order_mark", [True, False])
def test_the_report_writer_starts_with_a_byte_order_mark_unless_told_not_to(
    tmp_path: Path, byte_order_mark: bool
) -> None:
    content = _written(tmp_path, [Row((None, "श्री", None, None))], byte_order_mark)
    assert content.startswith(UTF8_BYTE_ORDER_MARK) is byte_order_mark
    expected = "date,narration,amount,days\n,श्री,,\n".encode()
    assert content.removeprefix(UTF8_BYTE_ORDER_MARK) == expected
