"""The language of a document, end to end through the gateway and the export worker: the
outstanding report in Marathi or Hindi (title, lines, column headings, bucket names, totals),
and a document whose request names no language written in the party's, else in the tenant's
default language, its letterhead and balances included."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
from export_service.bootstrap import build_worker as build_export_worker
from sqlalchemy import update

from shared.infra.db.models import Bill, Tenant
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, ledger_ids, token_for
from tests.pdf_inspect import notdef_uses, pdftotext

from .exporting import download, export_and_wait
from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

AS_OF = date(2026, 3, 31)
PARTIES = ("श्री गणेश ट्रेडर्स", "Arora Stores Pvt Ltd")


async def _bills(infra: Infrastructure, tenant_id: str) -> None:
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, PARTIES)
        for n in range(12):  # due from 20 days ahead to 100 days back: every bucket
            due = AS_OF + timedelta(days=20 - n * 11)
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids[PARTIES[n % 2]],
                    kind="receivable",
                    bill_ref=f"बिल-{n:03d}",
                    bill_date=due - timedelta(days=30),
                    due_date=due,
                    amount=Decimal("1180.00"),
                    pending_amount=Decimal("590.00"),
                )
            )
        await uow.commit()


async def _default_language(infra: Infrastructure, tenant_id: str, language: str) -> None:
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(default_language=language)
        )
        await uow.commit()


async def _export(
    infra: Infrastructure,
    pump: Pump,
    tenant_id: str,
    report: str,
    fmt: str,
    params: dict[str, str],
    language: str | None,
) -> tuple[dict[str, object], bytes]:
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        job = await export_and_wait(client, infra, pump, headers, report, fmt, params, language)
        return job, await download(client, job, headers)


def _pdf_words(tmp_path: Path, content: bytes) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(content)
    assert notdef_uses(path) == []
    return " ".join(pdftotext(path).split())


async def test_outstanding_in_marathi_in_every_format(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    await _bills(infra, tenant_id)
    params = {"as_of": AS_OF.isoformat(), "kind": "receivable"}
    job, pdf = await _export(infra, pump, tenant_id, "outstanding", "pdf", params, "mr")
    assert job["language"] == "mr"
    words = _pdf_words(tmp_path, pdf)
    for marathi in (
        "येणे बाकी",
        "दिनांक 31-03-2026 रोजी",
        "वर्गवारी: अजून देय नाही, 0-30, 31-60, 61-90, 90+",
        "बिलाची रक्कम (₹)",
        "थकीत दिवस",
        f"एकूण {PARTIES[0]}",
        "एकूण बेरीज",
        "थकीत 0-30 दिवस",
        "थकीत 90+ दिवस",
        "पृष्ठ",
    ):
        assert marathi in words, marathi
    for english in ("Outstanding", "Grand Total", "Not due", "Ageing", "Page", "Total "):
        assert english not in words, english

    _, xlsx = await _export(infra, pump, tenant_id, "outstanding", "xlsx", params, "mr")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.oddHeader.center.text == "येणे बाकी"
    assert rows[5][:2] == ["पार्टी", "बिल क्र."]
    grand = next(row for row in rows if row[0] == "एकूण बेरीज")
    assert grand[5] == 12 * 590
    assert [row[7] for row in rows if row[7] and row[1] is None] == [
        "अजून देय नाही",
        "0-30",
        "31-60",
        "61-90",
        "90+",
    ]

    _, csv_file = await _export(infra, pump, tenant_id, "outstanding", "csv", params, "mr")
    table = list(csv.reader(io.StringIO(csv_file.decode("utf-8-sig"))))
    assert table[0][:2] == ["पार्टी", "बिल_क्र."]
    assert table[-1][0] == "थकीत 90+ दिवस" and table[-6][0] == "एकूण बेरीज"


async def test_without_a_language_a_document_takes_the_tenants_default(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    await _default_language(infra, tenant_id, "hi")
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant)
            .where(Tenant.id == tenant_id)
            .values(phone="+91 20 2553 4100", email="lekha@ganesh.example")
        )
        await uow.commit()
    entries = [(date(2025, 4, 10), Decimal("1234567.00"), Decimal("0"))]
    await create_ledger(infra.uow(), tenant_id, PARTIES[1], Decimal("0"), entries=entries)
    await _bills(infra, tenant_id)
    period = {"ledger": PARTIES[1], "from_date": "2025-04-01", "to_date": "2025-06-30"}
    job, pdf = await _export(infra, pump, tenant_id, "ledger", "pdf", period, None)
    assert job["language"] == "hi"
    words = _pdf_words(tmp_path, pdf)
    for hindi in ("खाता विवरण", "12,34,567.00 नामे", "फ़ोन: +91 20 2553 4100", "ईमेल: lekha@"):
        assert hindi in words, hindi
    assert "Dr" not in words and "Phone" not in words

    params = {"as_of": AS_OF.isoformat(), "kind": "receivable"}
    job, pdf = await _export(infra, pump, tenant_id, "outstanding", "pdf", params, None)
    assert job["language"] == "hi"
    words = _pdf_words(tmp_path, pdf)
    for hindi in (
        "बकाया प्राप्य",
        "दिनांक 31-03-2026 की स्थिति",
        "अभी देय नहीं",
        "देय तिथि अभी नहीं आई",
        "सकल योग",
        "कुल ",
    ):
        assert hindi in words, hindi

    # a party's directory entry names its own language, which wins over the tenant's
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    entry = {"ledger_name": PARTIES[1], "to": ["accounts@arora.example"], "language": "en"}
    async with gateway_client(infra) as client:
        created = await client.post("/api/v1/party-emails", json=entry, headers=admin)
        assert created.status_code == 201, created.text
    job, pdf = await _export(infra, pump, tenant_id, "ledger", "pdf", period, None)
    assert job["language"] == "en"
    assert "12,34,567.00 Dr" in _pdf_words(tmp_path, pdf)


async def test_an_outstanding_email_without_a_language_is_in_the_tenants(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory, tmp_path: Path
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink, delivery={"pdf": "attach"})
    await _default_language(infra, tenant_id, "mr")
    await _bills(infra, tenant_id)
    body = {"as_of": AS_OF.isoformat(), "kind": "receivable", "to": ["lekha@example.in"]}
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        response = await client.post("/api/v1/reports/outstanding/email", json=body, headers=user)
    assert response.status_code == 202, response.text
    assert response.json()["subject"] == "येणे बाकी: 31-03-2026 रोजी"

    await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])

    [received] = await sink.wait_for_messages(1)
    pdf = next(received.message.iter_attachments()).get_payload(decode=True)
    words = _pdf_words(tmp_path, pdf)
    assert "येणे बाकी" in words and "एकूण बेरीज" in words and "Grand Total" not in words
