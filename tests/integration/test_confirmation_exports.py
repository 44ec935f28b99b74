"""The auditor's exports: the confirmations of a date as CSV (formula cells neutralised, read
back row by row) and as PDF (Devanagari party names and notes extractable), and the report's
schedule parameters (a period: its last day)."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from shared.domain.reports import report_named
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, token_for
from tests.pdf_inspect import pdftotext

from .confirming import AS_OF, PARTY, answer, ask, party_with_balance
from .exporting import download, export_and_wait
from .gateway import gateway_client


async def _answered(infra: Infrastructure, tenant_id: str) -> None:
    for name in (PARTY, "Arora Stores", "=HYPERLINK Traders"):
        await party_with_balance(infra, tenant_id, name)
    _, ganesh = await ask(infra, tenant_id)
    _, arora = await ask(infra, tenant_id, ledger="Arora Stores")
    await ask(infra, tenant_id, ledger="=HYPERLINK Traders")
    async with gateway_client(infra) as client:
        await answer(client, arora, {"answer": "confirmed"})
        note = "=cmd|' /C calc'!A0 बिल क्र. 101 धरलेले नाही"
        fields = {"answer": "disputed", "amount": "12,00,000", "side": "dr", "note": note}
        await answer(client, ganesh, fields)


async def test_the_csv_reads_back_each_answer_with_formulas_neutralised(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    await _answered(infra, tenant_id)
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        params = {"as_of": AS_OF.isoformat()}
        job = await export_and_wait(client, infra, pump, headers, "confirmations", "csv", params)
        content = await download(client, job, headers)
    assert job["file_name"].startswith("Balance-Confirmations_2025-06-30")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == [
        "party",
        "ledger",
        "as_of",
        "balance",
        "answer",
        "party_balance",
        "difference",
        "answered",
        "note",
        "reminders",
        "ledger_as_sent",  # empty: no ledger was renamed since it was asked
    ]
    by_ledger = {row[1]: row for row in rows[1:] if row[1]}
    assert by_ledger["'=HYPERLINK Traders"][4] == "No reply"  # neutralised, never run
    arora = by_ledger["Arora Stores"]
    assert arora[2:5] == ["2025-06-30", "1234567.00", "Confirmed"]
    ganesh = by_ledger[PARTY]
    assert ganesh[3:7] == ["1234567.00", "Disputed", "1200000.00", "34567.00"]
    assert ganesh[7].endswith("IST")
    assert ganesh[8] == "'=cmd|' /C calc'!A0 बिल क्र. 101 धरलेले नाही"
    assert all(row[10] == "" for row in rows[1:])
    assert [row[0] for row in rows[-3:]] == ["Confirmed: 1", "Disputed: 1", "No reply: 1"]


async def test_the_pdf_prints_devanagari_names_and_notes_for_the_auditor(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    await _answered(infra, tenant_id)
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        params = {"as_of": AS_OF.isoformat(), "status": "disputed"}
        job = await export_and_wait(client, infra, pump, headers, "confirmations", "pdf", params)
        content = await download(client, job, headers)
    pdf = tmp_path / "confirmations.pdf"
    pdf.write_bytes(content)
    text = " ".join(pdftotext(pdf).split())  # cells wrap onto lines of their own
    assert "Balance Confirmations" in text and "Answer: Disputed" in text
    assert PARTY in text and "धरलेले नाही" in text
    assert "12,34,567.00 Dr" in text and "12,00,000.00 Dr" in text and "34,567.00" in text
    assert "Arora Stores" not in text  # confirmed: not in a disputed-only list
    assert "Confirmed: 1" in text and "No reply: 1" in text  # the counts cover every answer


def test_a_schedule_lists_the_confirmations_as_of_its_periods_last_day() -> None:
    report = report_named("confirmations")
    params = report.run_params({"period": "last_month"}, date(2025, 7, 1))
    assert params == {"as_of": "2025-06-30", "status": None}
