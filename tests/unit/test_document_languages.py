"""A Marathi or Hindi statement says everything in its reader's words: the balance's Dr/Cr
(नावे/जमा, नामे/जमा) and the letterhead's phone and email, in the PDF (read back with pdftotext,
no missing glyph) and in the XLSX (the balance's number format, the letterhead's cells). GSTIN
and PAN stay as the terms of trade they are."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from export_service.document import DocumentHeader, Letterhead, PartyDetails, Row
from export_service.pdf import PdfReportWriter
from export_service.xlsx import XlsxReportWriter, balance_number_format
from openpyxl import load_workbook

from shared.domain.reports.labels import ENGLISH, HINDI, MARATHI, Labels
from shared.domain.reports.ledger_source import LEDGER_COLUMNS
from tests.pdf_inspect import notdef_uses, pdftotext

IST = timezone(timedelta(hours=5, minutes=30), "IST")
COMPANY = Letterhead(
    name="श्री गणेश ट्रेडर्स प्रा. लि.",
    address=("कार्यालय 402, श्रीनाथ प्लाझा", "फर्ग्युसन रस्ता, पुणे 411005"),
    gstin="27AAPFU0939F1ZV",
    pan="AAPFU0939F",
    phone="+91 20 2553 4100",
    email="hishob@ganesh-traders.example",
)
PARTY = PartyDetails(
    "महालक्ष्मी किराणा स्टोअर्स", ("12, मार्केट यार्ड", "नाशिक 422001"), "27AAGCB7383J1Z4"
)
# (labels, Dr, Cr, phone, email)
WORDS = [(MARATHI, "नावे", "जमा", "फोन", "ईमेल"), (HINDI, "नामे", "जमा", "फ़ोन", "ईमेल")]


def _header(labels: Labels, rows: int) -> DocumentHeader:
    columns = tuple(replace(c, title=labels.column(c.title)) for c in LEDGER_COLUMNS)
    return DocumentHeader(
        labels.ledger_title,
        COMPANY.name,
        (labels.ledger_line.format(ledger=PARTY.name),),
        columns,
        rows,
        datetime(2026, 7, 1, 10, 30, tzinfo=IST),
        letterhead=COMPANY,
        party=PARTY,
        labels=labels,
    )


def _rows(labels: Labels) -> list[Row]:
    day = date(2026, 4, 1)
    return [
        Row((day, labels.opening_balance, None, None, None, None, Decimal("1234567")), "opening"),
        Row((day, "जमा", "R/1", "धनादेश", None, Decimal("1334567"), Decimal("-100000"))),
        Row((day, labels.closing_balance, None, None, None, None, Decimal("-100000")), "closing"),
    ]


@pytest.mark.parametrize(("labels", "debit", "credit", "phone", "email"), WORDS)
def test_the_pdf_says_dr_cr_and_the_letterheads_words_in_its_language(
    tmp_path: Path, labels: Labels, debit: str, credit: str, phone: str, email: str
) -> None:
    rows = _rows(labels)
    path = tmp_path / f"{labels.language}.pdf"
    writer = PdfReportWriter()
    writer.begin(path, _header(labels, len(rows)))
    writer.write_rows(rows)
    writer.finish()
    assert notdef_uses(path) == []
    text = " ".join(pdftotext(path).split())
    assert f"12,34,567.00 {debit}" in text and f"1,00,000.00 {credit}" in text
    for words in (
        f"GSTIN: {COMPANY.gstin} \u00b7 PAN: {COMPANY.pan}",
        f"{phone}: {COMPANY.phone} \u00b7 {email}: {COMPANY.email}",
        f"GSTIN: {PARTY.gstin}",
    ):
        assert words in text, words
    for english in (" Dr", " Cr", "Phone", "Email"):
        assert english not in text, english


@pytest.mark.parametrize(("labels", "debit", "credit", "phone", "email"), WORDS)
def test_the_sheet_says_dr_cr_and_the_letterheads_words_in_its_language(
    tmp_path: Path, labels: Labels, debit: str, credit: str, phone: str, email: str
) -> None:
    rows = _rows(labels)
    path = tmp_path / f"{labels.language}.xlsx"
    writer = XlsxReportWriter()
    writer.begin(path, _header(labels, len(rows)))
    writer.write_rows(rows)
    writer.finish()
    ws = load_workbook(path).worksheets[0]
    cells = {cell.coordinate: cell for row in ws.iter_rows() for cell in row if cell.value}
    texts = {str(cell.value) for cell in cells.values()}
    assert f"{phone}: {COMPANY.phone} \u00b7 {email}: {COMPANY.email}" in texts
    assert f"GSTIN: {PARTY.gstin}" in texts
    balances = [c for c in cells.values() if c.column == 7 and isinstance(c.value, int | float)]
    assert [b.number_format for b in balances] == [
        balance_number_format(1, debit, credit),
        balance_number_format(1, debit, credit),
        balance_number_format(1, debit, credit),
    ]
    assert f'"{debit}";' in balances[0].number_format and balances[1].value == -100000


def test_english_keeps_dr_cr_and_its_words() -> None:
    assert balance_number_format(0) == '#,##0.00 "Dr";#,##0.00 "Cr"'
    assert COMPANY.detail_lines(ENGLISH)[-1] == (
        "Phone: +91 20 2553 4100 \u00b7 Email: hishob@ganesh-traders.example"
    )
    assert PARTY.detail_lines(HINDI)[-1] == "GSTIN: 27AAGCB7383J1Z4"
