"""A ledger renamed in the middle of a period keeps one unbroken statement: entries and bills
reference the ledger by id, so what was posted before the rename and after it is one history,
read under the ledger's new name (the old name is no ledger any more)."""

from __future__ import annotations

import csv
import io
from typing import Any

from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, token_for

from .books_helpers import provision, sync
from .exporting import download, export_and_wait
from .gateway import gateway_client

OLD, NEW = "Ganesh Traders", "श्री गणेश ट्रेडर्स (पुणे)"
LEDGERS: list[dict[str, Any]] = [
    {"id": "L1", "name": OLD, "group": "Sundry Debtors", "opening_balance": "1000.00"},
    {"id": "L2", "name": "Sales", "group": "Sales Accounts", "opening_balance": "0"},
]


def _voucher(number: int, day: str, amount: str) -> dict[str, Any]:
    return {
        "id": f"V{number}",
        "date": day,
        "type": "Sales",
        "number": f"S/{number}",
        "lines": [{"ledger": "L1", "debit": amount}, {"ledger": "L2", "credit": amount}],
    }


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


async def test_a_rename_mid_period_gives_one_unbroken_statement(
    infra: Infrastructure, pump: Pump
) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, infra.settings)
        await sync(client, infra.settings, tenant_id, "ledgers", LEDGERS)
        before = [_voucher(1, "2026-03-28", "50.00"), _voucher(2, "2026-04-03", "100.00")]
        await sync(client, infra.settings, tenant_id, "vouchers", before)
        bill = {"id": "B1", "ledger": "L1", "ref": "S/2", "date": "2026-04-03",
                "amount": "100.00", "pending": "100.00"}  # fmt: skip
        await sync(client, infra.settings, tenant_id, "bills", [bill])
        renamed = await sync(
            client, infra.settings, tenant_id, "ledgers", [{**LEDGERS[0], "name": NEW}]
        )
        assert renamed["applied"] == 1, renamed
        after = [_voucher(3, "2026-04-17", "25.50")]
        await sync(client, infra.settings, tenant_id, "vouchers", after)

        headers = auth_header(token_for(infra.settings, tenant_id))
        period = {"from_date": "2026-04-01", "to_date": "2026-04-30"}
        job = await export_and_wait(
            client, infra, pump, headers, "ledger", "csv", {"ledger": NEW, **period}
        )
        rows = _csv(await download(client, job, headers))
        outstanding = await export_and_wait(
            client, infra, pump, headers, "outstanding", "csv",
            {"as_of": "2026-04-30", "kind": "receivable"},
        )  # fmt: skip
        parties = _csv(await download(client, outstanding, headers))
        gone = await client.post(
            "/api/v1/exports/jobs",
            json={"report": "ledger", "format": "csv", "params": {"ledger": OLD, **period}},
            headers=headers,
        )

    opening, *entries, total, closing = rows[1:]
    assert opening[1] == "Opening Balance" and opening[6] == "1050.00"  # March's sale included
    assert [(e[2], e[4], e[6]) for e in entries] == [
        ("S/2", "100.00", "1150.00"),  # posted under the old name
        ("S/3", "25.50", "1175.50"),  # and under the new one: one running balance
    ]
    assert total[4:6] == ["125.50", "0.00"] and closing[6] == "1175.50"
    assert job["row_count"] == 2
    assert [row[0] for row in parties[1:] if row[1] == "S/2"] == [NEW]
    assert gone.status_code == 404 and gone.json()["code"] == "ledger_not_found"
