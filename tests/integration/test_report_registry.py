"""A third report, registered by this test only, runs through every service unchanged.

The "ledger list" (every ledger with its opening balance, as of a date) is defined here, not
in `shared.reports`: if an export in each format, the reports catalogue, a schedule saved
through the API and its run (export, then email) all work, no service names a report.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import openpyxl
import pytest
from pydantic import BaseModel, ConfigDict
from pypdf import PdfReader

from shared.domain.reports import (
    Column,
    CsvCopy,
    DocumentHeader,
    ParamsContext,
    RecipientPolicy,
    ReportDefinition,
    ReportSource,
    Row,
    register,
    unregister,
)
from shared.domain.reports.labels import Labels
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, token_for

from .exporting import download, export_and_wait
from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra
from .scheduling import runs_of, workers

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

COLUMNS = (
    Column("Ledger", "text", 30),
    Column("Party", "text", 30),
    Column("Opening Balance", "balance", 18),
)
_LEDGERS = """
SELECT name, party_name, opening_balance FROM ledgers
WHERE tenant_id = $1 AND opening_date <= $2 ORDER BY lower(name)
"""
_TOTAL = "SELECT count(*), COALESCE(sum(opening_balance), 0) FROM ledgers " + (
    "WHERE tenant_id = $1 AND opening_date <= $2"
)


class LedgerListParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: date
    order: Literal["name"] = "name"


class LedgerListSchedule(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LedgerList(ReportDefinition[LedgerListParams, LedgerListSchedule, BaseModel]):
    name = "ledger_list"
    title = "Ledger list"
    params_model = LedgerListParams
    schedule_params_model = LedgerListSchedule
    columns = COLUMNS
    recipients = RecipientPolicy(internal_only=False)

    async def open_source(
        self, conn: Any, tenant_id: str, company: str, params: LedgerListParams, labels: Labels
    ) -> ReportSource:
        count, total = await conn.fetchrow(_TOTAL, tenant_id, params.as_of)
        header = DocumentHeader(
            title="Ledger List",
            company=company,
            lines=(f"As of {params.as_of:%d-%m-%Y}",),
            columns=COLUMNS,
            total_rows=count + 1,
            generated_at=datetime.now(UTC),
        )
        total_row = Row(("Total", None, total), "total")

        async def rows() -> AsyncIterator[list[Row]]:
            records = await conn.fetch(_LEDGERS, tenant_id, params.as_of)
            yield [Row(tuple(record)) for record in records]
            yield [total_row]

        copy = CsvCopy((), _LEDGERS, (tenant_id, params.as_of), (total_row,))
        file_params = params.model_dump(mode="json")
        return ReportSource(header, int(count), rows(), file_params, csv_copy=copy)

    async def schedule_params(
        self, saved: LedgerListSchedule, ctx: ParamsContext
    ) -> dict[str, Any]:
        return {}

    def run_params(self, saved: Mapping[str, Any], local_day: date) -> dict[str, Any]:
        return {"as_of": local_day.isoformat()}

    def file_name_parts(self, params: Mapping[str, Any]) -> tuple[object, ...]:
        return ("Ledgers", params.get("as_of"))


@pytest.fixture
def ledger_list() -> Iterator[LedgerList]:
    report = LedgerList()
    register(report)
    yield report
    unregister(report.name)


async def _books(infra: Infrastructure, tenant_id: str) -> None:
    await create_ledger(infra.uow(), tenant_id, "Sharma Traders", Decimal("1500.50"))
    await create_ledger(infra.uow(), tenant_id, "Agarwal Stores", Decimal("-250.00"))


async def test_a_registered_report_exports_to_every_format(
    infra: Infrastructure, tenant_id: str, pump: Pump, ledger_list: LedgerList
) -> None:
    await _books(infra, tenant_id)
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        catalogue = (await client.get("/api/v1/reports", headers=headers)).json()
        listed = {report["name"]: report for report in catalogue}
        assert listed["ledger_list"]["formats"] == ["csv", "xlsx", "pdf"]
        assert listed["ledger_list"]["params"] == ["as_of", "order"]
        assert listed["ledger_list"]["email_path"] is None
        params = {"as_of": date.today().isoformat()}
        files = {}
        for fmt in ("csv", "xlsx", "pdf"):
            job = await export_and_wait(client, infra, pump, headers, "ledger_list", fmt, params)
            assert (job["status"], job["row_count"]) == ("succeeded", 2), job
            assert job["file_name"] == f"Ledgers_{params['as_of']}.{fmt}"
            files[fmt] = await download(client, job, headers)

    # CSV: PostgreSQL's own rows between the framing rows the definition draws.
    assert list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")))) == [
        ["ledger", "party", "opening_balance"],
        ["Agarwal Stores", "Agarwal Stores", "-250.00"],
        ["Sharma Traders", "Sharma Traders", "1500.50"],
        ["Total", "", "1250.50"],
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"])).active
    assert sheet is not None
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    assert {"Ledger List", "Agarwal Stores", "Sharma Traders", "Total"} <= set(cells)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "Ledger List" in text and "Agarwal Stores" in text and "1,250.50 Dr" in text


async def test_a_registered_report_is_scheduled_run_and_emailed(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    ledger_list: LedgerList,
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await _books(infra, tenant_id)
    headers = auth_header(token_for(infra.settings, tenant_id))
    body = {
        "name": "Ledgers every morning",
        "report": "ledger_list",
        "format": "csv",
        "params": {},
        "cron": "0 9 * * *",
        "recipients": {"to": ["books@example.in"]},
    }
    async with gateway_client(infra) as client:
        saved = await client.post("/api/v1/schedules", json=body, headers=headers)
        assert saved.status_code == 201, saved.text
        schedule_id = saved.json()["id"]
        refused = await client.post(
            "/api/v1/schedules", json={**body, "params": {"as_of": "2026-01-01"}}, headers=headers
        )
        assert refused.status_code == 422
        ran = await client.post(f"/api/v1/schedules/{schedule_id}/run", headers=headers)
        assert ran.status_code == 202, ran.text
    consumers, _ = workers(infra)
    await pump(*consumers)

    [run] = await runs_of(infra, uuid.UUID(schedule_id))
    assert run.status == "succeeded", run.error
    [received] = await sink.wait_for_messages(1)
    [attachment] = list(received.message.iter_attachments())
    assert (attachment.get_filename() or "").startswith("Ledgers_")
    assert "Sharma Traders,Sharma Traders,1500.50" in attachment.get_content()
