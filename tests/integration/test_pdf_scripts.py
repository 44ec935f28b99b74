"""A Devanagari ledger and an outstanding report with Devanagari parties, exported as PDF
through the gateway and the export-service, read back with poppler."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

from shared.infra.db.models import Bill
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, ledger_ids, token_for
from tests.pdf_inspect import notdef_uses, pdffonts, pdftotext

from .exporting import download, export_and_wait
from .gateway import gateway_client

LEDGER = "श्री गणेश ट्रेडर्स"
NARRATION = (
    "रोख रक्कम प्राप्त, पावती क्र. {n}: धनादेश क्र. 004512 द्वारे HDFC बँक खात्यात जमा; "
    "उर्वरित ₹ 1,250 पुढील महिन्यात क्रेडिट नोट CN-0007 विरुद्ध समायोजित"
)
PARTIES = ("महालक्ष्मी कापड भांडार", "श्री साई किराणा आणि जनरल स्टोअर्स, कोल्हापूर")


async def _pdf(
    infra: Infrastructure, pump: Pump, tenant_id: str, report: str, params: dict[str, str]
) -> bytes:
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        job = await export_and_wait(client, infra, pump, headers, report, "pdf", params)
        return await download(client, job, headers)


def _read(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    fonts = pdffonts(path)
    assert "NotoSansDevanagari-Regular" in fonts and all(fonts.values()), fonts
    assert notdef_uses(path) == []
    return " ".join(pdftotext(path).split())


async def test_devanagari_ledger_pdf(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    entries = [
        (date(2025, 4, 1) + timedelta(days=n), Decimal(1000 + n), Decimal(0)) for n in range(60)
    ]
    await create_ledger(infra.uow(), tenant_id, LEDGER, entries=entries)
    async with infra.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE ledger_entries SET narration = replace(:n, '{n}', voucher_no) "
                "WHERE tenant_id = :t"
            ),
            {"n": NARRATION, "t": tenant_id},
        )
    params = {"ledger": LEDGER, "from_date": "2025-04-01", "to_date": "2025-09-30"}
    words = _read(await _pdf(infra, pump, tenant_id, "ledger", params), tmp_path)
    assert LEDGER in words
    for n in range(60):  # every narration whole, though each wraps onto a second line
        assert NARRATION.format(n=f"V/{n:05d}") in words
    assert "Opening Balance" in words and "Debit (₹)" in words


async def test_outstanding_pdf_with_devanagari_parties(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    as_of = date(2026, 3, 31)
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, PARTIES)
        for n in range(30):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids[PARTIES[n % 2]],
                    kind="receivable",
                    bill_ref=f"बिल-{n:04d}",
                    bill_date=as_of - timedelta(days=n * 3 + 10),
                    due_date=as_of - timedelta(days=n * 3),
                    amount=Decimal("1180.00"),
                    pending_amount=Decimal("590.00"),
                )
            )
        await uow.commit()
    params = {"as_of": as_of.isoformat(), "kind": "receivable"}
    words = _read(await _pdf(infra, pump, tenant_id, "outstanding", params), tmp_path)
    assert "Days Overdue" in words and "Pending (₹)" in words
    for party in PARTIES:
        assert party in words
    assert all(f"बिल-{n:04d}" in words for n in range(30))
