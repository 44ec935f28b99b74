"""The letterhead in the PDF and XLSX writers: the company block (name, address, GSTIN, PAN,
phone, email) and a party's block (name, address, GSTIN), read back with pdftotext and openpyxl;
nothing cut, names in Devanagari drawn with real glyphs, and the rows below still paged as the
footer says."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from export_service.document import Column, DocumentHeader, Letterhead, PartyDetails, Row
from export_service.pdf import PdfReportWriter
from export_service.xlsx import XlsxReportWriter
from export_service.xlsx_letterhead import party_column
from openpyxl import load_workbook

from tests.pdf_inspect import notdef_uses, pdffonts, pdftotext

COMPANY = Letterhead(
    name="Ganesh Traders Pvt Ltd",
    address=("Office 402, Shreenath Plaza", "FC Road, Shivajinagar, Pune 411005", "Maharashtra"),
    gstin="27AAPFU0939F1ZV",
    pan="AAPFU0939F",
    phone="+91 20 2553 4100",
    email="accounts@ganesh-traders.example",
)
PARTY = PartyDetails(
    name="Gupta & Sons",
    address=("12, Market Yard", "Nashik 422001", "Maharashtra"),
    gstin="27AAGCB7383J1Z4",
)
COLUMNS = (
    Column("Date", "date", 11),
    Column("Voucher Type", "text", 12),
    Column("Voucher No", "text", 18),
    Column("Narration", "text", 48),
    Column("Debit", "money", 15),
    Column("Credit", "money", 15),
    Column("Balance", "balance", 18),
)


def _rows(count: int) -> list[Row]:
    return [
        Row((date(2025, 4, 1), "Sales", f"SAL/{n:05d}", f"bill {n}", Decimal(n), None, Decimal(n)))
        for n in range(count)
    ]


def _header(rows: int, **changes: object) -> DocumentHeader:
    header = DocumentHeader(
        title="Ledger Statement",
        company=COMPANY.name,
        lines=("Ledger: Gupta & Sons - Nashik", "Period: 01-04-2025 to 31-03-2026"),
        columns=COLUMNS,
        total_rows=rows,
        generated_at=datetime(2026, 4, 2, 10, 30, tzinfo=UTC),
        letterhead=COMPANY,
        party=PARTY,
    )
    return replace(header, **changes)  # type: ignore[arg-type]


def _page_count(path: Path, header: DocumentHeader, rows: list[Row]) -> int:
    writer = PdfReportWriter()
    writer.begin(path, header)
    writer.write_rows(rows)
    writer.finish()
    return writer.page_count


def _pdf(path: Path, header: DocumentHeader, rows: list[Row]) -> list[str]:
    _page_count(path, header, rows)
    return pdftotext(path, layout=True).split("\f")[:-1]


def test_page_one_shows_the_company_and_the_party(tmp_path: Path) -> None:
    rows = _rows(120)
    pages = _pdf(tmp_path / "l.pdf", _header(len(rows)), rows)
    first = pages[0]
    for text in (
        "Ganesh Traders Pvt Ltd",
        *COMPANY.address,
        "GSTIN: 27AAPFU0939F1ZV",
        "PAN: AAPFU0939F",
        "Phone: +91 20 2553 4100",
        "Email: accounts@ganesh-traders.example",
        "Gupta & Sons",
        *PARTY.address,
        "GSTIN: 27AAGCB7383J1Z4",
    ):
        assert text in first, text
    # the company block above the title, the party's beside it
    assert first.index("Ganesh Traders") < first.index("Ledger Statement")
    assert first.index("GSTIN: 27AAPFU0939F1ZV") < first.index("Ledger Statement")
    assert "27AAGCB7383J1Z4" not in pages[1]  # the letterhead heads the first page only
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    assert all(f"SAL/{n:05d}" in "".join(pages) for n in range(len(rows)))


def test_the_letterhead_takes_room_from_the_first_pages_rows(tmp_path: Path) -> None:
    plain = _header(0, letterhead=None, party=None)
    full = _header(0)

    # rows that fill a plain first page exactly: with the letterhead, a second page is needed
    def pages(header: DocumentHeader, rows: int) -> int:
        return _page_count(tmp_path / "n.pdf", replace(header, total_rows=rows), _rows(rows))

    fits = next(n for n in range(1, 200) if pages(plain, n + 1) == 2)
    assert pages(plain, fits) == 1
    assert pages(full, fits) == 2
    rows = _rows(fits)
    pages = _pdf(tmp_path / "f.pdf", replace(full, total_rows=fits), rows)
    assert len(pages) == 2 and "Page 2 of 2" in pages[1]
    assert f"SAL/{fits - 1:05d}" in pages[1]


def test_a_long_address_line_wraps_instead_of_being_cut(tmp_path: Path) -> None:
    long_line = "Gala No. 7, Ground Floor, " + "Shree Siddhivinayak Industrial Estate " * 3 + "END"
    party = replace(PARTY, address=(long_line, "Bhiwandi 421302"))
    pages = _pdf(tmp_path / "w.pdf", _header(3, party=party), _rows(3))
    words = " ".join(pages[0].split())
    assert "…" not in pages[0]
    assert all(word in words for word in long_line.split())
    assert "END" in words and "Bhiwandi 421302" in words


def test_devanagari_names_are_shaped_and_read_back(tmp_path: Path) -> None:
    company = replace(COMPANY, name="श्री गणेश ट्रेडर्स प्रा. लि.")
    address = ("१२, मार्केट यार्ड", "नाशिक 422001")
    party = replace(PARTY, name="महालक्ष्मी किराणा स्टोअर्स", address=address)
    path = tmp_path / "d.pdf"
    [page] = _pdf(path, _header(3, letterhead=company, party=party), _rows(3))
    assert notdef_uses(path) == []
    for words in (company.name, party.name, *party.address, "GSTIN: 27AAGCB7383J1Z4"):
        assert words in page, words
    fonts = pdffonts(path)
    assert fonts["NotoSansDevanagari-Bold"] and fonts["NotoSansDevanagari-Regular"]  # embedded


def test_without_a_profile_the_pdf_shows_the_company_name_alone(tmp_path: Path) -> None:
    header = _header(3, letterhead=None, party=None)
    [page] = _pdf(tmp_path / "p.pdf", header, _rows(3))
    assert "Ganesh Traders Pvt Ltd" in page and "GSTIN" not in page


def _xlsx(path: Path, header: DocumentHeader, rows: list[Row]) -> Path:
    writer = XlsxReportWriter()
    writer.begin(path, header)
    writer.write_rows(rows)
    writer.finish()
    return path


def test_the_sheet_opens_with_the_company_and_party_blocks(tmp_path: Path) -> None:
    rows = _rows(4)
    ws = load_workbook(_xlsx(tmp_path / "l.xlsx", _header(len(rows)), rows)).worksheets[0]
    company = [ws.cell(row=r, column=1).value for r in range(1, 7)]
    assert company == [
        "Ganesh Traders Pvt Ltd",
        *COMPANY.address,
        "GSTIN: 27AAPFU0939F1ZV \u00b7 PAN: AAPFU0939F",
        "Phone: +91 20 2553 4100 \u00b7 Email: accounts@ganesh-traders.example",
    ]
    assert ws["A1"].font.b
    column = party_column(COLUMNS) + 1
    assert column == 5  # Debit: the first column past half the sheet's width
    party = [ws.cell(row=r, column=column).value for r in range(1, 6)]
    assert party == ["Gupta & Sons", *PARTY.address, "GSTIN: 27AAGCB7383J1Z4"]
    assert ws.cell(row=1, column=column).font.b
    # then the title, its lines, a blank row and the column headers
    assert ws["A7"].value == "Ledger Statement"
    assert ws["A8"].value == "Ledger: Gupta & Sons - Nashik"
    assert [c.value for c in ws[11]] == [c.heading for c in COLUMNS]
    assert ws.freeze_panes == "A12" and ws.print_title_rows == "$11:$11"
    assert ws["C12"].value == "SAL/00000"


def test_a_narrow_sheet_stacks_the_party_under_the_company(tmp_path: Path) -> None:
    columns = (Column("Party", "text", 30),)
    rows = [Row(("x",))]
    header = _header(1, columns=columns)
    ws = load_workbook(_xlsx(tmp_path / "n.xlsx", header, rows)).worksheets[0]
    values = [ws.cell(row=r, column=1).value for r in range(1, 13)]
    assert values[:6] == ["Ganesh Traders Pvt Ltd", *COMPANY.address, *values[4:6]]
    assert values[6:11] == ["Gupta & Sons", *PARTY.address, "GSTIN: 27AAGCB7383J1Z4"]
    assert values[11] == "Ledger Statement"


@pytest.mark.parametrize("party", [None, PARTY])
def test_without_a_profile_the_sheet_keeps_its_rows(tmp_path: Path, party: object) -> None:
    header = _header(1, letterhead=None, party=party)
    ws = load_workbook(_xlsx(tmp_path / "p.xlsx", header, _rows(1))).worksheets[0]
    assert ws["A1"].value == "Ganesh Traders Pvt Ltd"
    title_row = 2 if party is None else 6  # below the party block (five lines) when there is one
    assert ws.cell(row=title_row, column=1).value == "Ledger Statement"
