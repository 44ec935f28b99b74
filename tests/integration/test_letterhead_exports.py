"""The letterhead end to end: the company profile an admin saved and the party's GSTIN and
address from the books, on a ledger statement's PDF (page 1, through pdftotext) and XLSX; a
ledger that is no party's (Cash) gets the company block alone."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from shared.infra.db.models import Ledger
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, token_for

from .exporting import download, export_and_wait
from .gateway import gateway_client

PROFILE = {
    "legal_name": "Ganesh Traders Pvt Ltd",
    "address": ["Office 402, Shreenath Plaza", "Shivajinagar, Pune 411005"],
    "gstin": "27AAPFU0939F1ZV",
    "pan": "AAPFU0939F",
    "phone": "+91 20 2553 4100",
    "email": "accounts@ganesh-traders.example",
}
PARTY_GSTIN = "27AAGCB7383J1Z4"
PARTY_ADDRESS = ["12, Market Yard", "Nashik 422001"]
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-09-30"}


async def _export(
    infra: Infrastructure, pump: Pump, tenant_id: str, ledger: str, fmt: str
) -> bytes:
    headers = auth_header(token_for(infra.settings, tenant_id, "admin"))
    async with gateway_client(infra) as client:
        saved = await client.put("/api/v1/admin/tenant", json=PROFILE, headers=headers)
        assert saved.status_code == 200, saved.text
        params = {"ledger": ledger, **PERIOD}
        job = await export_and_wait(client, infra, pump, headers, "ledger", fmt, params)
        return await download(client, job, headers)


def _first_page_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        check=True,
    )
    return done.stdout.decode()


async def test_a_party_statement_pdf_shows_both_gstins_on_page_one(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    entries = [(date(2025, 4, 1 + n), Decimal("100.00"), Decimal(0)) for n in range(5)]
    ledger = await create_ledger(
        infra.uow(),
        tenant_id,
        "Gupta & Sons - Nashik",
        entries=entries,
        gstin=PARTY_GSTIN,
        address=PARTY_ADDRESS,
    )
    page = _first_page_text(await _export(infra, pump, tenant_id, ledger, "pdf"), tmp_path)
    for text in (*PROFILE["address"], "GSTIN: 27AAPFU0939F1ZV", "PAN: AAPFU0939F", *PARTY_ADDRESS):
        assert text in page, text
    assert f"GSTIN: {PARTY_GSTIN}" in page
    assert "Email: accounts@ganesh-traders.example" in page
    assert page.index("Ganesh Traders Pvt Ltd") < page.index("Ledger Statement")


async def test_a_party_statement_xlsx_carries_both_blocks(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(
        infra.uow(), tenant_id, "Gupta & Sons", gstin=PARTY_GSTIN, address=PARTY_ADDRESS
    )
    content = await _export(infra, pump, tenant_id, ledger, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cells = {c.value for row in sheet.iter_rows(max_row=8) for c in row if c.value}
    assert {"Ganesh Traders Pvt Ltd", "Gupta & Sons", *PROFILE["address"], *PARTY_ADDRESS} <= cells
    assert "GSTIN: 27AAPFU0939F1ZV \u00b7 PAN: AAPFU0939F" in cells
    assert f"GSTIN: {PARTY_GSTIN}" in cells
    assert sheet.oddHeader.left.text == "Ganesh Traders Pvt Ltd"  # the printed page header


async def test_a_ledger_of_no_party_gets_the_company_block_alone(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    async with infra.uow() as uow:
        uow.session.add(
            Ledger(
                tenant_id=tenant_id,
                name="Cash",
                group_name="Cash-in-Hand",
                opening_balance=Decimal("500.00"),
                opening_date=date(2025, 4, 1),
            )
        )
        await uow.commit()
    page = _first_page_text(await _export(infra, pump, tenant_id, "Cash", "pdf"), tmp_path)
    assert "GSTIN: 27AAPFU0939F1ZV" in page
    assert page.count("GSTIN") == 1
