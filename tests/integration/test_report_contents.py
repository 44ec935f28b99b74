"""What the reports say: balances across period boundaries and ageing at bucket edges,
checked against SQL sums over the source rows."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import text

from shared.infra.db.models import Bill
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, ledger_ids, token_for

from .exporting import download, export_and_wait
from .gateway import gateway_client

AS_OF = date(2026, 3, 31)
# days overdue at AS_OF -> the bucket it must land in (negative: due after AS_OF)
EDGES = {
    -5: "Not due",
    -1: "Not due",
    0: "0-30",
    30: "0-30",
    31: "31-60",
    60: "31-60",
    61: "61-90",
    90: "61-90",
    91: "90+",
    400: "90+",
}


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


async def _sql(infra: Infrastructure, query: str, **params: object) -> list[tuple[object, ...]]:
    async with infra.engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(text(query), params)]


async def test_ledger_opening_and_closing_across_period_boundaries(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    entries = [
        (date(2025, 6, 30), Decimal("700.00"), Decimal("0")),  # the day before the period
        (date(2025, 7, 1), Decimal("0"), Decimal("50.00")),  # first day
        (date(2025, 8, 15), Decimal("1234567.89"), Decimal("0")),
        (date(2025, 9, 30), Decimal("0"), Decimal("99.99")),  # last day
        (date(2025, 10, 1), Decimal("5000.00"), Decimal("0")),  # the day after
    ]
    ledger = await create_ledger(
        infra.uow(), tenant_id, opening=Decimal("-300.00"), entries=entries
    )
    headers = auth_header(token_for(infra.settings, tenant_id))
    params = {"ledger": ledger, "from_date": "2025-07-01", "to_date": "2025-09-30"}
    async with gateway_client(infra) as client:
        job = await export_and_wait(client, infra, pump, headers, "ledger", "csv", params)
        rows = _rows(await download(client, job, headers))

    [(opening,)] = await _sql(
        infra,
        "SELECT l.opening_balance + coalesce(sum(e.debit - e.credit), 0) FROM ledgers l "
        "LEFT JOIN ledger_entries e ON e.ledger_id = l.id "
        "AND e.entry_date < '2025-07-01' WHERE l.tenant_id = :t GROUP BY l.opening_balance",
        t=tenant_id,
    )
    [(debit, credit)] = await _sql(
        infra,
        "SELECT sum(debit), sum(credit) FROM ledger_entries WHERE tenant_id = :t "
        "AND entry_date BETWEEN '2025-07-01' AND '2025-09-30'",
        t=tenant_id,
    )
    by_label = {row[1]: row for row in rows}
    assert Decimal(by_label["Opening Balance"][6]) == opening == Decimal("400.00")
    assert Decimal(by_label["Period Total"][4]) == debit
    assert Decimal(by_label["Period Total"][5]) == credit
    assert Decimal(by_label["Closing Balance"][6]) == opening + debit - credit
    entry_rows = rows[2:-2]
    assert [r[0] for r in entry_rows] == ["2025-07-01", "2025-08-15", "2025-09-30"]
    assert Decimal(entry_rows[-1][6]) == opening + debit - credit  # the running balance agrees
    assert job["row_count"] == 3


async def test_outstanding_ageing_at_bucket_edges(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    async with infra.uow() as uow:
        ids = await ledger_ids(uow.session, tenant_id, ["Alpha Traders", "Zeta Agencies"])
        for n, days in enumerate(EDGES):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids["Zeta Agencies" if n % 2 else "Alpha Traders"],
                    kind="receivable",
                    bill_ref=f"INV-{n:03d}",
                    bill_date=AS_OF - timedelta(days=days + 30),
                    due_date=AS_OF - timedelta(days=days),
                    amount=Decimal("1000.00") + n,
                    pending_amount=Decimal("100.50") + n,
                )
            )
        # Neither a settled bill, a payable, nor a bill raised after the date is outstanding.
        for kind, pending, bill_date in (
            ("receivable", Decimal("0"), AS_OF),
            ("payable", Decimal("5"), AS_OF),
            ("receivable", Decimal("5"), AS_OF + timedelta(days=1)),
        ):
            uow.session.add(
                Bill(
                    tenant_id=tenant_id,
                    ledger_id=ids["Alpha Traders"],
                    kind=kind,
                    bill_ref=f"X-{kind}-{pending}",
                    bill_date=bill_date,
                    due_date=bill_date,
                    amount=Decimal("5"),
                    pending_amount=pending,
                )
            )
        await uow.commit()
    headers = auth_header(token_for(infra.settings, tenant_id))
    params = {"as_of": AS_OF.isoformat(), "kind": "receivable"}
    async with gateway_client(infra) as client:
        job = await export_and_wait(client, infra, pump, headers, "outstanding", "csv", params)
        rows = _rows(await download(client, job, headers))

    header, *body = rows
    assert header == [
        "party",
        "bill_ref",
        "bill_date",
        "due_date",
        "bill_amount",
        "pending",
        "days_overdue",
        "ageing",
    ]
    bills = [r for r in body if r[1].startswith("INV-")]
    assert len(bills) == len(EDGES) == job["row_count"]
    for row in bills:
        days = (AS_OF - date.fromisoformat(row[3])).days
        # not yet due: Days Overdue left blank, not negative
        assert row[6] == ("" if days < 0 else str(days))
        assert row[7] == EDGES[days]
    assert [r[0] for r in bills] == sorted(r[0] for r in bills)  # grouped by party
    # CSV rows stand alone: every bill row names its party, unlike in XLSX and PDF
    assert {r[0] for r in bills} == {"Alpha Traders", "Zeta Agencies"}

    [(amount, pending)] = await _sql(
        infra,
        "SELECT sum(amount), sum(pending_amount) FROM bills WHERE tenant_id = :t "
        "AND kind = 'receivable' AND pending_amount > 0 AND bill_date <= :d",
        t=tenant_id,
        d=AS_OF,
    )
    grand = next(r for r in body if r[0] == "Grand Total")
    assert (Decimal(grand[4]), Decimal(grand[5])) == (amount, pending)
    subtotals = [Decimal(r[5]) for r in body if r[0].startswith("Total ")]
    assert len(subtotals) == 2 and sum(subtotals) == pending
    bucket_totals = {r[7]: Decimal(r[5]) for r in body if r[0].startswith("Ageing ")}
    assert list(bucket_totals) == ["Not due", "0-30", "31-60", "61-90", "90+"]
    assert sum(bucket_totals.values()) == pending
    for label in bucket_totals:
        expected = sum((Decimal(r[5]) for r in bills if r[7] == label), Decimal("0"))
        assert bucket_totals[label] == expected


async def test_outstanding_as_of_defaults_to_today_in_the_tenants_timezone(
    infra: Infrastructure, tenant_id: str
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        response = await client.post(
            "/api/v1/exports/jobs",
            json={"report": "outstanding", "format": "pdf", "params": {"kind": "payable"}},
            headers=headers,
        )
    assert response.status_code == 202, response.text
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date().isoformat()
    assert response.json()["params"] == {"as_of": today, "kind": "payable"}
