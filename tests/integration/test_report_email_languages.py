"""Report emails written from the templates: a Marathi party gets Marathi, a link's expiry is
in the tenant's time, typed texts stay as typed, schedules use the templates too."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from export_service.bootstrap import build_worker as build_export_worker
from scheduler_service.ticker import tick
from sqlalchemy import select

from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, token_for
from tests.pdf_inspect import notdef_uses, pdftotext

from .gateway import gateway_client
from .mailing import configure_smtp, email_row, mail_infra, mail_worker
from .scheduling import create_schedule, runs_of, workers

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

LEDGER_SEND = "/api/v1/reports/ledger/email"
PARTY = "श्री गणेश ट्रेडर्स"
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-06-30"}
ENTRIES = [(date(2025, 4, 10), Decimal("1234567.00"), Decimal("0"))]


def _admin(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin"))


async def _party(infra: Infrastructure, tenant_id: str, language: str) -> None:
    entry = {"ledger_name": PARTY, "to": ["hishob@ganesh.in"], "language": language}
    async with gateway_client(infra) as client:
        response = await client.post(
            "/api/v1/party-emails", json=entry, headers=_admin(infra, tenant_id)
        )
    assert response.status_code == 201, response.text
    assert response.json()["language"] == language


def _text(message: Any) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


async def test_a_statement_to_a_marathi_party_is_written_in_marathi(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(infra.uow(), tenant_id, PARTY, Decimal("0"), entries=ENTRIES)
    await _party(infra, tenant_id, "mr")
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        response = await client.post(
            LEDGER_SEND, json={"ledger": PARTY, **PERIOD, "format": "pdf"}, headers=user
        )
    assert response.status_code == 202, response.text
    subject = "खाते उतारा: श्री गणेश ट्रेडर्स, 01-04-2025 ते 30-06-2025"
    assert response.json()["subject"] == subject

    await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])

    [received] = await sink.wait_for_messages(1)
    assert received.message["Subject"] == subject
    text = _text(received.message)
    assert text.startswith("महोदय/महोदया,")
    assert "अखेरची शिल्लक ₹12,34,567.00 नावे आहे." in text
    # The PDF goes as a link: its paragraph in Marathi, its expiry in the tenant's time.
    assert "डाउनलोड करण्यासाठी: http" in text
    assert "PDF अहवाल लिंकद्वारे पाठवले जातात" in text
    assert " IST पर्यंत चालेल" in text and "UTC" not in text
    email = await email_row(infra, response.json()["email_id"])
    assert email.language == "mr"
    async with infra.sessions() as session:
        job = await session.scalar(select(ExportJob).where(ExportJob.id == email.export_job_id))
    assert job is not None and job.language == "mr"


async def test_link_expiry_placeholder_and_typed_texts(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(infra.uow(), tenant_id, PARTY, Decimal("0"), entries=ENTRIES)
    await _party(infra, tenant_id, "hi")
    mine = {
        "subject": "{company}: {ledger} ({period})",
        "body": "{party} के लिए। लिंक {link_expiry} तक। {{कोष्ठक}}",
    }
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        saved = await client.put(
            "/api/v1/admin/email-templates/ledger/hi", json=mine, headers=_admin(infra, tenant_id)
        )
        assert saved.status_code == 200, saved.text
        templated = await client.post(
            LEDGER_SEND, json={"ledger": PARTY, **PERIOD, "format": "xlsx"}, headers=user
        )
        typed = await client.post(
            LEDGER_SEND,
            json={
                "ledger": PARTY,
                **PERIOD,
                "format": "csv",
                "subject": "Typed {subject}",
                "message": "As typed: {link_expiry}",
            },
            headers=user,
        )
        english = await client.post(
            LEDGER_SEND,
            json={"ledger": PARTY, **PERIOD, "format": "csv", "language": "en"},
            headers=user,
        )
    assert templated.json()["subject"] == f"{tenant_id} Traders: {PARTY} (01-04-2025 से 30-06-2025)"
    assert english.json()["subject"].startswith("Statement of account: ")
    assert typed.json()["subject"] == "Typed {subject}"

    await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])

    messages = {m.message["Subject"]: m.message for m in await sink.wait_for_messages(3)}
    body = _text(messages[templated.json()["subject"]])
    assert body.startswith(f"{PARTY} के लिए। लिंक ")
    assert " IST तक। {कोष्ठक}" in body
    typed_body = _text(messages[typed.json()["subject"]])
    assert typed_body.startswith("As typed: {link_expiry}")  # typed text is never a template
    assert "The closing balance is ₹12,34,567.00 Dr." in _text(messages[english.json()["subject"]])


async def test_a_scheduled_statement_uses_the_template_not_the_file_name(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(
        infra.uow(), tenant_id, PARTY, entries=[(date(2026, 4, 15), Decimal("2500"), Decimal(0))]
    )
    await _party(infra, tenant_id, "mr")
    now = datetime(2026, 5, 4, 3, 30, tzinfo=UTC)
    schedule = await create_schedule(
        infra, tenant_id, next_run_at=now, params={"ledger": PARTY, "period": "last_month"}
    )
    await tick(infra.uow, infra.settings, now)
    consumers, _ = workers(infra)
    await pump(*consumers)

    [run] = await runs_of(infra, schedule)
    assert run.status == "succeeded", run.error
    [received] = await sink.wait_for_messages(1)
    assert received.message["Subject"] == f"खाते उतारा: {PARTY}, 01-04-2026 ते 30-04-2026"
    assert "अखेरची शिल्लक ₹3,500.00 नावे आहे." in _text(received.message)


async def test_a_marathi_partys_documents_carry_marathi_labels(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory, tmp_path: Path
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    attach = {"csv": "attach", "xlsx": "attach", "pdf": "attach"}
    await configure_smtp(infra, tenant_id, sink, delivery=attach)
    await create_ledger(infra.uow(), tenant_id, PARTY, Decimal("0"), entries=ENTRIES)
    await _party(infra, tenant_id, "mr")
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        for fmt in ("csv", "xlsx", "pdf"):
            response = await client.post(
                LEDGER_SEND,
                json={"ledger": PARTY, **PERIOD, "format": fmt, "subject": fmt},
                headers=user,
            )
            assert response.status_code == 202, response.text

    await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])

    files = {
        m.message["Subject"]: next(m.message.iter_attachments()).get_payload(decode=True)
        for m in await sink.wait_for_messages(3)
    }
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert rows[0][:4] == ["दिनांक", "व्हाउचर_प्रकार", "व्हाउचर_क्र.", "तपशील"]
    assert rows[1][1] == "आरंभीची शिल्लक"
    assert [row[1] for row in rows[-2:]] == ["कालावधीची एकूण रक्कम", "अखेरची शिल्लक"]
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"])).active
    assert sheet is not None
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value}
    assert {"खाते उतारा", f"खाते: {PARTY}", "कालावधी: 01-04-2025 ते 30-06-2025"} <= cells
    amounts = {"नावे (\u20b9)", "जमा (\u20b9)", "शिल्लक (\u20b9)"}  # headings say the currency
    assert {"दिनांक", *amounts, "आरंभीची शिल्लक", "अखेरची शिल्लक"} <= cells
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(files["pdf"])
    words = " ".join(pdftotext(pdf).split())  # shaped, embedded, extractable: no boxes
    assert notdef_uses(pdf) == []
    for label in ("खाते उतारा", f"खाते: {PARTY}", "आरंभीची शिल्लक", "अखेरची शिल्लक", "पृष्ठ"):
        assert label in words
    assert "12,34,567.00 नावे" in words  # amounts: Latin digits, Indian grouping; Dr in Marathi
    assert sheet.oddFooter.center.text == "&N पैकी पृष्ठ &P"
