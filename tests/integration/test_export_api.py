"""The thin export pipeline through the gateway and the export handler (in process)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from export_service.bootstrap import build_worker

from shared.domain.csv_cells import UTF8_BYTE_ORDER_MARK
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, token_for

from .gateway import gateway_client

JOBS = "/api/v1/exports/jobs"
ENTRIES = [
    (date(2025, 3, 31), Decimal("100.00"), Decimal("0")),  # before the period: into the opening
    (date(2025, 4, 5), Decimal("2500.50"), Decimal("0")),
    (date(2025, 4, 9), Decimal("0"), Decimal("1200.25")),
    (date(2025, 4, 9), Decimal("99.99"), Decimal("0")),
]


def _ledger_body(ledger: str, **params: object) -> dict[str, object]:
    base = {"ledger": ledger, "from_date": "2025-04-01", "to_date": "2025-04-30"}
    return {"report": "ledger", "format": "csv", "params": {**base, **params}}


async def test_export_is_queued_rendered_and_downloaded(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(
        infra.uow(), tenant_id, opening=Decimal("1000.00"), entries=ENTRIES
    )
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        created = await client.post(JOBS, json=_ledger_body("sharma TRADERS"), headers=headers)
        assert created.status_code == 202
        job = created.json()
        assert created.headers["location"] == f"{JOBS}/{job['id']}"
        assert job["status"] == "queued"
        assert job["params"]["ledger"] == ledger  # matched case-insensitively, stored canonical

        await pump(build_worker(infra)[0].consumer())

        polled = (await client.get(f"{JOBS}/{job['id']}", headers=headers)).json()
        assert polled["status"] == "succeeded"
        assert polled["row_count"] == 3
        assert polled["download_url"] == f"{JOBS}/{job['id']}/download"
        download = await client.get(polled["download_url"], headers=headers)

    assert download.status_code == 200
    assert download.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        "Ledger_Sharma-Traders_2025-04-01_2025-04-30.csv" in download.headers["content-disposition"]
    )
    assert len(download.content) == polled["file_size"]
    assert download.content.startswith(UTF8_BYTE_ORDER_MARK)  # Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "date",
        "voucher_type",
        "voucher_no",
        "narration",
        "debit",
        "credit",
        "balance",
    ]
    assert rows[1] == ["2025-04-01", "Opening Balance", "", "", "", "", "1100.00"]
    assert [r[6] for r in rows[2:5]] == ["3600.50", "2400.25", "2500.24"]
    assert rows[3][3] == "entry 2, with a comma"
    assert rows[5] == ["2025-04-30", "Period Total", "", "", "2600.49", "1200.25", ""]
    assert rows[6] == ["2025-04-30", "Closing Balance", "", "", "", "", "2500.24"]


async def test_idempotency_key_returns_the_same_job_and_refuses_another_body(
    infra: Infrastructure, tenant_id: str
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id)
    headers = {**auth_header(token_for(infra.settings, tenant_id)), "Idempotency-Key": "k-1"}
    async with gateway_client(infra) as client:
        first = await client.post(JOBS, json=_ledger_body(ledger), headers=headers)
        again = await client.post(JOBS, json=_ledger_body(ledger), headers=headers)
        other = await client.post(
            JOBS, json=_ledger_body(ledger, to_date="2025-05-31"), headers=headers
        )
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    assert other.status_code == 409
    assert other.headers["content-type"] == "application/problem+json"


async def test_an_empty_idempotency_key_is_refused_by_its_header(
    infra: Infrastructure, tenant_id: str
) -> None:
    """An empty key once reached the unique index unguarded: the second request was a 500."""
    ledger = await create_ledger(infra.uow(), tenant_id)
    headers = {**auth_header(token_for(infra.settings, tenant_id)), "Idempotency-Key": ""}
    async with gateway_client(infra) as client:
        answers = [
            await client.post(JOBS, json=_ledger_body(ledger), headers=headers) for _ in "12"
        ]
    for answer in answers:
        assert answer.status_code == 422
        problem = answer.json()
        assert [error["field"] for error in problem["errors"]] == ["Idempotency-Key"]


async def test_bad_requests_are_problems_naming_the_field(
    infra: Infrastructure, tenant_id: str
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id)
    headers = auth_header(token_for(infra.settings, tenant_id))
    # An unknown ledger is the books' state (404 `ledger_not_found`); the rest is the request.
    cases = [
        ("params.ledger", _ledger_body("No Such Ledger"), 404),
        (
            "params.from_date",
            _ledger_body(ledger, from_date="2025-05-01", to_date="2025-04-01"),
            422,
        ),
        ("params.to_date", _ledger_body(ledger, from_date="2015-04-01", to_date="2025-04-01"), 422),
        ("format", {**_ledger_body(ledger), "format": "docx"}, 422),
        ("params.from_date", _ledger_body(ledger, from_date=0), 422),  # a number is no date
    ]
    async with gateway_client(infra) as client:
        for field, body, status in cases:
            response = await client.post(JOBS, json=body, headers=headers)
            assert response.status_code == status, (field, response.text)
            problem = response.json()
            assert problem["status"] == status
            assert [e["field"] for e in problem["errors"]] == [field], problem
            if status == 404:
                assert problem["code"] == "ledger_not_found"
        not_json = await client.post(JOBS, content=b"{", headers=headers)
    assert not_json.status_code == 422
    assert not_json.headers["content-type"] == "application/problem+json"


async def test_download_before_success_is_409(infra: Infrastructure, tenant_id: str) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id)
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        job = (await client.post(JOBS, json=_ledger_body(ledger), headers=headers)).json()
        response = await client.get(f"{JOBS}/{job['id']}/download", headers=headers)
    assert response.status_code == 409
    assert "queued" in response.json()["detail"]
