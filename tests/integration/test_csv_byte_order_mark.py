"""Every CSV starts with a UTF-8 byte-order mark (so Excel reads Devanagari and ₹), unless the
tenant turned it off for machine consumers (`csv_byte_order_mark` at `PUT /admin/tenant`)."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest

from shared.domain.csv_cells import UTF8_BYTE_ORDER_MARK
from shared.infra.db.models import Bill
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_ledger, ledger_ids

from .exporting import download, export_and_wait
from .gateway import gateway_client
from .party_directory_helpers import ENTRIES, EXPORT, admin, entry

TENANT = "/api/v1/admin/tenant"
LEDGER = "श्री गणेश ट्रेडर्स"
AS_OF = date(2026, 3, 31)


async def _books(infra: Infrastructure, tenant_id: str) -> None:
    day = date(2025, 7, 1)
    await create_ledger(
        infra.uow(), tenant_id, LEDGER, entries=[(day, Decimal("10.00"), Decimal(0))]
    )
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, [LEDGER])
        uow.session.add(
            Bill(
                tenant_id=tenant_id, ledger_id=ids[LEDGER], kind="receivable", bill_ref="बिल/1",
                bill_date=AS_OF - timedelta(days=40), due_date=AS_OF - timedelta(days=10),
                amount=Decimal("500.00"), pending_amount=Decimal("500.00"),
            )
        )  # fmt: skip
        await uow.commit()


async def _every_csv(
    client: httpx.AsyncClient, infra: Infrastructure, pump: Pump, headers: dict[str, str]
) -> dict[str, bytes]:
    """The three kinds of CSV: PostgreSQL's COPY (ledger), Python's writer (outstanding), the
    party directory's export."""
    ledger = {"ledger": LEDGER, "from_date": "2025-07-01", "to_date": "2025-09-30"}
    outstanding = {"as_of": AS_OF.isoformat(), "kind": "receivable"}
    files = {}
    for report, params in (("ledger", ledger), ("outstanding", outstanding)):
        job = await export_and_wait(client, infra, pump, headers, report, "csv", params)
        files[report] = await download(client, job, headers)
        assert len(files[report]) == job["file_size"]
        assert hashlib.sha256(files[report]).hexdigest() == job["sha256"]
    exported = await client.get(EXPORT, headers=headers)
    assert exported.status_code == 200, exported.text
    files["party directory"] = exported.content
    return files


async def test_csvs_start_with_a_byte_order_mark_until_the_tenant_turns_it_off(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    await _books(infra, tenant_id)
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await client.post(ENTRIES, json=entry(LEDGER), headers=headers)
        assert created.status_code == 201, created.text
        assert (await client.get(TENANT, headers=headers)).json()["csv_byte_order_mark"] is True
        with_mark = await _every_csv(client, infra, pump, headers)
        turned_off = await client.put(TENANT, json={"csv_byte_order_mark": False}, headers=headers)
        assert turned_off.status_code == 200, turned_off.text
        assert turned_off.json()["csv_byte_order_mark"] is False
        without = await _every_csv(client, infra, pump, headers)

    firsts = {"ledger": "date,", "outstanding": "party,", "party directory": "ledger_name,"}
    for kind, first in firsts.items():
        assert with_mark[kind].startswith(UTF8_BYTE_ORDER_MARK + first.encode()), kind
        assert without[kind].startswith(first.encode()), kind
        assert with_mark[kind].removeprefix(UTF8_BYTE_ORDER_MARK) == without[kind], kind
    assert LEDGER.encode() in without["outstanding"]


async def test_the_setting_is_kept_when_left_out_and_refused_when_not_a_boolean(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        await client.put(TENANT, json={"csv_byte_order_mark": False}, headers=headers)
        kept = await client.put(TENANT, json={"ageing_buckets": [30]}, headers=headers)
        null = await client.put(TENANT, json={"csv_byte_order_mark": None}, headers=headers)
    assert kept.json()["csv_byte_order_mark"] is False
    assert null.json()["csv_byte_order_mark"] is False


@pytest.mark.parametrize("value", ["yes", "false", 0, 1, [], {}])
async def test_a_value_that_is_not_true_or_false_is_a_problem_naming_the_field(
    infra: Infrastructure, tenant_id: str, value: object
) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        refused = await client.put(TENANT, json={"csv_byte_order_mark": value}, headers=headers)
        unchanged = await client.get(TENANT, headers=headers)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    [error] = refused.json()["errors"]
    assert (error["field"], error["code"]) == ("csv_byte_order_mark", "bool_type")
    assert unchanged.json()["csv_byte_order_mark"] is True
