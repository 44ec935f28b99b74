"""Every moment a party reads is in the tenant's timezone with its abbreviation: the PDF's
and the XLSX's "Generated" line (read back with pdftotext and openpyxl) and the expiry of a
link in an email."""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import openpyxl
import pytest
from export_service.bootstrap import build_worker as build_export_worker
from sqlalchemy import update

from shared.infra.db.models import Tenant
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, token_for

from .exporting import download, export_and_wait
from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

PERIOD = {"from_date": "2025-04-01", "to_date": "2025-04-30"}
ENTRIES = [(date(2025, 4, 5), Decimal("2500.50"), Decimal("0"))]
STAMP = re.compile(r"Generated (\d\d-\d\d-\d{4} \d\d:\d\d) (\S+)")


async def _set_timezone(infra: Infrastructure, tenant_id: str, zone: str) -> None:
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(timezone=zone)
        )
        await uow.commit()


def _close_to_now(printed: str, offset: timedelta) -> None:
    """`printed` (dd-mm-yyyy HH:MM) is the present moment at `offset` from UTC."""
    local_now = datetime.now(UTC) + offset
    moment = datetime.strptime(printed, "%d-%m-%Y %H:%M").replace(tzinfo=UTC)
    assert abs(moment - local_now.replace(second=0, microsecond=0)) <= timedelta(minutes=2)


async def test_documents_say_when_they_were_made_in_ist(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    headers = auth_header(token_for(infra.settings, tenant_id))
    params = {"ledger": ledger, **PERIOD}
    async with gateway_client(infra) as client:
        pdf_job = await export_and_wait(client, infra, pump, headers, "ledger", "pdf", params)
        pdf = await download(client, pdf_job, headers)
        xlsx_job = await export_and_wait(client, infra, pump, headers, "ledger", "xlsx", params)
        xlsx = await download(client, xlsx_job, headers)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "UTC" not in text
    [(printed, zone)] = STAMP.findall(text)
    assert zone == "IST"
    _close_to_now(printed, timedelta(hours=5, minutes=30))
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    [(printed, zone)] = [m for cell in cells for m in STAMP.findall(cell)]
    assert zone == "IST"
    _close_to_now(printed, timedelta(hours=5, minutes=30))


@pytest.mark.parametrize(
    ("zone", "abbreviation", "offset"),
    [
        ("Asia/Kolkata", "IST", timedelta(hours=5, minutes=30)),
        ("Asia/Dubai", "UTC+04", timedelta(hours=4)),
    ],
)
async def test_a_link_works_until_a_moment_in_the_tenants_zone(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    zone: str,
    abbreviation: str,
    offset: timedelta,
) -> None:
    await _set_timezone(infra, tenant_id, zone)
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink, link_ttl_days=3)
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    user = auth_header(token_for(infra.settings, tenant_id))
    body = {"ledger": ledger, **PERIOD, "format": "pdf", "to": ["accounts@ganesh.in"]}
    async with gateway_client(infra) as client:
        response = await client.post("/api/v1/reports/ledger/email", json=body, headers=user)
        assert response.status_code == 202, response.text
        await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])
    [received] = await sink.wait_for_messages(1)
    text = received.message.get_body(("plain",)).get_content()
    html = received.message.get_body(("html",)).get_content()
    [until] = re.findall(r"works until (\d\d-\d\d-\d{4} \d\d:\d\d) (\S+);", text)
    assert until[1] == abbreviation and "UTC;" not in text
    assert f"works until {until[0]} {abbreviation};" in html
    expected = datetime.now(UTC) + timedelta(days=3) + offset
    printed = datetime.strptime(until[0], "%d-%m-%Y %H:%M").replace(tzinfo=UTC)
    assert abs(printed - expected) <= timedelta(minutes=2)
