"""A Devanagari party's statement keeps its name in downloads and attachments, and two
parties whose names read alike in ASCII get different file names for the same period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from export_service.bootstrap import build_worker as build_export_worker

from shared.domain.file_names import ascii_file_name
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, token_for
from tests.unit.test_file_names import disposition_names

from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

JOBS = "/api/v1/exports/jobs"
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-04-30"}
ENTRIES = [(date(2025, 4, 5), Decimal("2500.50"), Decimal("0"))]
# ट (ṭa) and त (ta) are both `t` without diacritics: the fallbacks would read the same.
RETROFLEX, DENTAL = "टाटा ट्रेडर्स", "ताता ट्रेडर्स"


async def test_downloads_carry_the_name_and_a_fallback_and_never_collide(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    for name in (RETROFLEX, DENTAL):
        await create_ledger(infra.uow(), tenant_id, name=name, entries=ENTRIES)
    headers = auth_header(token_for(infra.settings, tenant_id))
    names: list[tuple[str, str]] = []
    async with gateway_client(infra) as client:
        jobs = []
        for ledger in (RETROFLEX, DENTAL):
            body = {"report": "ledger", "format": "pdf", "params": {"ledger": ledger, **PERIOD}}
            created = await client.post(JOBS, json=body, headers=headers)
            assert created.status_code == 202, created.text
            jobs.append(created.json()["id"])
        await pump(build_export_worker(infra)[0].consumer())
        for job_id in jobs:
            download = await client.get(f"{JOBS}/{job_id}/download", headers=headers)
            assert download.status_code == 200, download.text
            names.append(disposition_names(download.headers["content-disposition"]))
    (retroflex_ascii, retroflex), (dental_ascii, dental) = names
    assert retroflex.startswith("Ledger_टाटा-ट्रेडर्स~")
    assert retroflex.endswith("_2025-04-01_2025-04-30.pdf")
    assert dental.startswith("Ledger_ताता-ट्रेडर्स~")
    assert retroflex_ascii == ascii_file_name(retroflex)
    assert retroflex_ascii.startswith("Ledger_Tata-Tredars~") and dental_ascii.isascii()
    assert retroflex_ascii != dental_ascii


async def test_an_attachment_carries_the_same_name_as_the_download(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    ledger = await create_ledger(infra.uow(), tenant_id, name="श्री गणेश ट्रेडर्स", entries=ENTRIES)
    user = auth_header(token_for(infra.settings, tenant_id))
    body = {"ledger": ledger, **PERIOD, "format": "csv", "to": ["accounts@ganesh.in"]}
    async with gateway_client(infra) as client:
        response = await client.post("/api/v1/reports/ledger/email", json=body, headers=user)
        assert response.status_code == 202, response.text
        await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])
        [received] = await sink.wait_for_messages(1)
        jobs = (await client.get(JOBS, headers=user)).json()
    [attachment] = list(received.message.iter_attachments())
    name = attachment.get_filename()
    assert name is not None and name.startswith("Ledger_श्री-गणेश-ट्रेडर्स~")
    assert name.endswith("_2025-04-01_2025-04-30.csv")
    assert attachment.get_param("name") == ascii_file_name(name)
    assert attachment.get_content_charset() == "utf-8"  # the CSV's Devanagari is no US-ASCII
    csv_text = attachment.get_content()  # decoded by the charset the part declares
    assert isinstance(csv_text, str) and csv_text.startswith("\ufeffdate,voucher_type,")
    raw_part = received.data.split(b"Content-Disposition: attachment;", 1)[1].split(b"\r\n\r\n")[0]
    assert raw_part.isascii() and b"filename*0*=UTF-8''Ledger_%E0%A4%B6" in raw_part
    stored = [job["file_name"] for job in jobs["items"] if job["file_name"]]
    assert stored == [name]
