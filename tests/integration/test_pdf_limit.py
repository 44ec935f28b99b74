"""A PDF past `export_pdf_max_rows` fails with a reason pointing to CSV or XLSX; others render."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

import pytest

from shared.infra.db.models import Bill
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, ledger_ids, token_for

from .exporting import export_and_wait
from .gateway import gateway_client

LIMIT = 10
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-04-30"}


def _limited(infra: Infrastructure) -> Infrastructure:
    settings = infra.settings.model_copy(update={"export_pdf_max_rows": LIMIT})
    return dataclasses.replace(infra, settings=settings)


async def _ledger_with(infra: Infrastructure, tenant_id: str, entries: int) -> str:
    days = [date(2025, 4, 1) + timedelta(days=n % 30) for n in range(entries)]
    rows = [(day, Decimal("100.00"), Decimal("0")) for day in days]
    return await create_ledger(infra.uow(), tenant_id, entries=rows)


async def _export(
    infra: Infrastructure, pump: Pump, tenant_id: str, report: str, fmt: str, params: dict[str, str]
) -> dict[str, object]:
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        return await export_and_wait(client, infra, pump, headers, report, fmt, params)


@pytest.mark.parametrize(("entries", "fmt"), [(LIMIT, "pdf"), (LIMIT + 2, "csv"), (12, "xlsx")])
async def test_reports_within_the_pdf_limit_or_in_other_formats_render(
    infra: Infrastructure, tenant_id: str, pump: Pump, entries: int, fmt: str
) -> None:
    infra = _limited(infra)
    ledger = await _ledger_with(infra, tenant_id, entries)
    job = await _export(infra, pump, tenant_id, "ledger", fmt, {"ledger": ledger, **PERIOD})
    assert (job["status"], job["row_count"]) == ("succeeded", entries)


async def test_a_ledger_pdf_past_the_limit_fails_with_a_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    infra = _limited(infra)
    ledger = await _ledger_with(infra, tenant_id, LIMIT + 2)
    job = await _export(infra, pump, tenant_id, "ledger", "pdf", {"ledger": ledger, **PERIOD})
    assert job["status"] == "failed"
    assert job["error"] == (
        "the PDF would have 12 rows, above the 10-row limit for PDF; choose CSV or XLSX, "
        "or a shorter period"
    )


async def test_an_outstanding_pdf_past_the_limit_fails_with_a_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    infra = _limited(infra)
    as_of = date(2026, 3, 31)
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, (f"Party {n}" for n in range(3)))
        for n in range(LIMIT + 1):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids[f"Party {n % 3}"],
                    kind="receivable",
                    bill_ref=f"SB-{n:04d}",
                    bill_date=as_of - timedelta(days=40),
                    due_date=as_of - timedelta(days=10),
                    amount=Decimal("1000.00"),
                    pending_amount=Decimal("500.00"),
                )
            )
        await uow.commit()
    params = {"as_of": as_of.isoformat(), "kind": "receivable"}
    job = await _export(infra, pump, tenant_id, "outstanding", "pdf", params)
    assert job["status"] == "failed"
    assert str(job["error"]).startswith("the PDF would have 11 rows, above the 10-row limit")
