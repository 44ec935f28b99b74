"""PDF reports in Devanagari, as a business in Maharashtra sends them: a ledger with Marathi
narrations and an outstanding report with Devanagari parties, read back with poppler."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from export_service.pdf import PdfReportWriter
from export_service.pdf_text import FONT_DIR

from shared.domain.reports.document import DocumentHeader, Letterhead, PartyDetails, Row
from shared.domain.reports.labels import MARATHI
from shared.domain.reports.ledger_source import LEDGER_COLUMNS
from shared.domain.reports.outstanding_source import OUTSTANDING_COLUMNS
from tests.pdf_inspect import notdef_uses, pdffonts, pdftotext

IST = timezone(timedelta(hours=5, minutes=30), "IST")
COMPANY = "श्री गणेश ट्रेडर्स, पुणे"
NARRATIONS = (
    "माल विक्री, बिल क्र. {n}",
    "रोख रक्कम प्राप्त, पावती क्र. {n}: धनादेश क्र. 004512 दिनांक 12-04-2026 द्वारे HDFC बँक "
    "खात्यात जमा; उर्वरित ₹ 1,250 पुढील महिन्यात क्रेडिट नोट CN-0007 विरुद्ध समायोजित",
    "Goods sold as per bill {n}",
    "भाडे ₹ 1,200 + हमाली, बिल्टी क्र. {n}",
)
ADDRESS = ("कार्यालय 402, श्रीनाथ प्लाझा", "फर्ग्युसन रस्ता, शिवाजीनगर, पुणे 411005")
PARTY_ADDRESS = ("12, मार्केट यार्ड", "नाशिक 422001")
PARTIES = ("श्री गणेश ट्रेडर्स", "महालक्ष्मी कापड भांडार आणि होलसेल वस्त्र विक्रेते, कोल्हापूर")


def _write(path: Path, header: DocumentHeader, rows: list[Row]) -> int:
    writer = PdfReportWriter()
    writer.begin(path, header)
    for start in range(0, len(rows), 37):
        writer.write_rows(rows[start : start + 37])
    writer.finish()
    return writer.page_count


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Row]]:
    opening = Decimal("-25000.00")
    rows = [Row((date(2026, 4, 1), "Opening Balance", None, None, None, None, opening), "opening")]
    balance = opening
    for n in range(90):
        amount = Decimal(1000 + n * 37)
        debit, credit = (amount, None) if n % 2 else (None, amount)
        balance += amount if debit else -amount
        narration = NARRATIONS[n % len(NARRATIONS)].format(n=n)
        vtype = "विक्री" if debit else "जमा"
        day = date(2026, 4, 1) + timedelta(days=n // 3)
        rows.append(Row((day, vtype, f"INV/2026/{n:05d}", narration, debit, credit, balance)))
    total = (Decimal("0.00"), Decimal("123.00"))
    rows.append(Row((date(2026, 6, 30), "Period Total", None, None, *total, None), "total"))
    rows.append(
        Row((date(2026, 6, 30), "Closing Balance", None, None, None, None, balance), "closing")
    )
    header = DocumentHeader(
        "Ledger statement",
        COMPANY,
        (f"Ledger: {PARTIES[0]}", "Period: 01-04-2026 to 30-06-2026"),
        LEDGER_COLUMNS,
        len(rows),
        datetime(2026, 7, 1, 10, 30, tzinfo=IST),
        letterhead=Letterhead(COMPANY, ADDRESS, gstin="27AAPFU0939F1ZV"),
        party=PartyDetails(PARTIES[0], PARTY_ADDRESS, gstin="27AAGCB7383J1Z4"),
    )
    path = tmp_path_factory.mktemp("scripts") / "ledger.pdf"
    assert _write(path, header, rows) >= 2
    return path, rows


@pytest.fixture(scope="module")
def outstanding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rows: list[Row] = []
    for party in PARTIES:
        rows.append(Row((party, None, None, None, None, None, None, None), "group"))
        for n in range(40):
            due = date(2026, 3, 1) + timedelta(days=n)
            values = (party, f"बिल-{n:04d}", due - timedelta(days=30), due)
            rows.append(Row((*values, Decimal("1180.00"), Decimal("590.00"), 30 - n, "0-30")))
        rows.append(
            Row(
                (f"एकूण {party}", None, None, None, None, Decimal("23600.00"), None, None),
                "subtotal",
            )
        )
    header = DocumentHeader(
        "Outstanding Receivables",
        COMPANY,
        ("As of 31-03-2026",),
        OUTSTANDING_COLUMNS,
        len(rows),
        datetime(2026, 4, 1, 9, 0, tzinfo=IST),
    )
    path = tmp_path_factory.mktemp("scripts") / "outstanding.pdf"
    _write(path, header, rows)
    return path


def test_ledger_fonts_are_the_shipped_ones_all_embedded(ledger: tuple[Path, list[Row]]) -> None:
    fonts = pdffonts(ledger[0])
    assert {"NotoSans-Regular", "NotoSans-Bold", "NotoSansDevanagari-Regular"} <= set(fonts)
    assert all(fonts.values()), fonts
    assert all((FONT_DIR / f"{name}.ttf").exists() for name in fonts)  # nothing from the machine


def test_ledger_draws_no_missing_glyph(ledger: tuple[Path, list[Row]]) -> None:
    assert notdef_uses(ledger[0]) == []


def test_ledger_reads_back_word_for_word(ledger: tuple[Path, list[Row]]) -> None:
    path, rows = ledger
    text = _words(pdftotext(path))
    assert COMPANY in text and f"Ledger: {PARTIES[0]}" in text
    for line in (*ADDRESS, *PARTY_ADDRESS):  # the letterhead, in Devanagari too
        assert line in text, line
    for heading in ("Debit (₹)", "Credit (₹)", "Balance (₹)", "Opening Balance", "Closing Balance"):
        assert heading in text
    for row in rows[1:-2]:
        # a wrapped narration is whole: its lines follow one another in the text
        assert _words(str(row.values[3])) in text, row.values[3]
        assert str(row.values[1]) in text


def test_wrapped_narration_takes_lines_of_its_own_row(ledger: tuple[Path, list[Row]]) -> None:
    layout = pdftotext(ledger[0], layout=True).splitlines()
    first = next(i for i, line in enumerate(layout) if "पावती क्र. 1:" in line)
    assert "INV/2026/00001" in layout[first] and "24,963.00 Cr" in layout[first]
    assert "पुढील महिन्यात" in " ".join(layout[first : first + 3])  # the rest, just below
    assert "…" not in "\n".join(layout)


def test_zero_amounts_are_blank(ledger: tuple[Path, list[Row]]) -> None:
    total = next(
        line for line in pdftotext(ledger[0], layout=True).splitlines() if "Period Total" in line
    )
    assert "0.00" not in total.replace("123.00", "")


def test_outstanding_with_devanagari_parties(outstanding: Path) -> None:
    fonts = pdffonts(outstanding)
    assert "NotoSansDevanagari-Bold" in fonts and all(fonts.values())
    assert notdef_uses(outstanding) == []
    text = _words(pdftotext(outstanding))
    assert "Days Overdue" in text and "Bill Amount (₹)" in text
    for party in PARTIES:
        assert party in text
        assert f"एकूण {party}" in text
    assert "बिल-0039" in text


def test_a_marathi_footer_puts_the_page_count_where_its_language_does(tmp_path: Path) -> None:
    day = date(2026, 4, 1)
    rows = [Row((day, "जमा", f"V/{n}", "नोंद", None, None, Decimal(n))) for n in range(80)]
    header = DocumentHeader(
        "खातेउतारा",
        COMPANY,
        (),
        LEDGER_COLUMNS,
        len(rows),
        datetime(2026, 7, 1, 10, 30, tzinfo=IST),
        labels=MARATHI,
    )
    pages = _write(tmp_path / "mr.pdf", header, rows)
    text = pdftotext(tmp_path / "mr.pdf").split("\f")
    for page in range(1, pages + 1):
        assert f"{pages} पैकी पृष्ठ {page}" in _words(text[page - 1])
