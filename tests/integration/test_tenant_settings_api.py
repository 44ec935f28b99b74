"""`PUT /admin/tenant`: an admin sets the outstanding report's ageing buckets, and the report
follows them; bad edges are a 422 naming the field with a stable code."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from shared.infra.db.models import Bill
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_tenant, ledger_ids, token_for

from .exporting import download, export_and_wait
from .gateway import gateway_client

TENANT = "/api/v1/admin/tenant"
AS_OF = date(2026, 3, 31)


def admin(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin"))


async def test_a_new_tenant_has_the_usual_buckets_and_an_admin_changes_them(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    other = await create_tenant(infra.uow())
    async with gateway_client(infra) as client:
        before = await client.get(TENANT, headers=headers)
        saved = await client.put(TENANT, json={"ageing_buckets": [15, 45, 180]}, headers=headers)
        after = await client.get(TENANT, headers=headers)
        kept = await client.put(TENANT, json={}, headers=headers)  # omitted: kept as saved
        neighbour = await client.get(TENANT, headers=admin(infra, other))
    assert before.json()["ageing_buckets"] == [30, 60, 90]
    assert saved.status_code == 200, saved.text
    assert saved.json()["ageing_buckets"] == [15, 45, 180]
    assert saved.json()["internal_domains"] == before.json()["internal_domains"]
    assert after.json() == saved.json() == kept.json()
    assert neighbour.json()["ageing_buckets"] == [30, 60, 90]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"ageing_buckets": []}, "ageing_buckets_empty"),
        ({"ageing_buckets": [30, 60, 90, 120, 180, 365, 730]}, "ageing_buckets_too_many"),
        ({"ageing_buckets": [0, 30]}, "ageing_buckets_out_of_range"),
        ({"ageing_buckets": [30, 99999]}, "ageing_buckets_out_of_range"),
        ({"ageing_buckets": [60, 30]}, "ageing_buckets_not_increasing"),
        ({"ageing_buckets": [30, 30]}, "ageing_buckets_not_increasing"),
        ({"ageing_buckets": "30,60"}, "list_type"),
        ({"ageing_buckets": [30.5]}, "int_type"),
        ({"ageing_buckets": ["30"]}, "int_type"),
        ({"ageing_buckets": [True]}, "int_type"),
        ({"name": "Renamed"}, "extra_forbidden"),
    ],
)
async def test_bad_edges_are_a_problem_naming_the_field(
    infra: Infrastructure, tenant_id: str, body: dict[str, Any], code: str
) -> None:
    async with gateway_client(infra) as client:
        refused = await client.put(TENANT, json=body, headers=admin(infra, tenant_id))
        unchanged = await client.get(TENANT, headers=admin(infra, tenant_id))
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert error["field"].split(".")[0] == next(iter(body))
    assert error["code"] == code
    assert unchanged.json()["ageing_buckets"] == [30, 60, 90]


async def test_only_an_admin_changes_the_tenant(infra: Infrastructure, tenant_id: str) -> None:
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        refused = await client.put(TENANT, json={"ageing_buckets": [10]}, headers=user)
    assert refused.status_code == 403


async def test_the_outstanding_report_follows_the_tenants_buckets(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    overdue = {-3: "Not due", 0: "0-15", 15: "0-15", 16: "16-45", 45: "16-45", 46: "45+"}
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, ["Alpha Traders"])
        for n, days in enumerate(overdue):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids["Alpha Traders"],
                    kind="receivable",
                    bill_ref=f"INV-{n:03d}",
                    bill_date=AS_OF - timedelta(days=days + 20),
                    due_date=AS_OF - timedelta(days=days),
                    amount=Decimal("500.00"),
                    pending_amount=Decimal("100.00") + n,
                )
            )
        await uow.commit()
    headers = admin(infra, tenant_id)
    params = {"as_of": AS_OF.isoformat(), "kind": "receivable"}
    async with gateway_client(infra) as client:
        saved = await client.put(TENANT, json={"ageing_buckets": [15, 45]}, headers=headers)
        assert saved.status_code == 200, saved.text
        job = await export_and_wait(client, infra, pump, headers, "outstanding", "csv", params)
        rows = list(csv.reader(io.StringIO((await download(client, job, headers)).decode())))

    bills = {r[1]: r for r in rows if r[1].startswith("INV-")}
    for n, label in enumerate(overdue.values()):
        assert bills[f"INV-{n:03d}"][7] == label
    totals = {r[7]: Decimal(r[5]) for r in rows if r[0].startswith("Ageing ")}
    assert totals == {
        "Not due": Decimal("100.00"),
        "0-15": Decimal("203.00"),
        "16-45": Decimal("207.00"),
        "45+": Decimal("105.00"),
    }
