"""The host application syncs its books: ledgers, vouchers and bills by its own ids."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from shared.domain.reports.ledger_source import LedgerFigures
from shared.infra.db.models import Bill, Ledger, PartyEmail, ReportSchedule
from shared.infra.runtime import Infrastructure
from tests.factories import create_ledger

from .books_helpers import ndjson, provision, service_headers, statement_figures, sync
from .gateway import gateway_client

LEDGERS: list[dict[str, Any]] = [
    {
        "id": "L1",
        "name": "श्री गणेश ट्रेडर्स",
        "group": "Sundry Debtors",
        "party_name": "गणेश",
        "gstin": "27aapfu0939f1zv",
        "address": ["12, Laxmi Road", "Pune 411030"],
        "opening_balance": "1500.00",
        "emails": {"to": ["accounts@ganesh.example"], "cc": ["owner@ganesh.example"]},
    },
    {"id": "L2", "name": "Sales", "group": "Sales Accounts", "opening_balance": "0"},
    {"id": "L3", "name": "Cash", "group": "Cash-in-Hand", "opening_balance": "-250.50"},
]
VOUCHERS: list[dict[str, Any]] = [
    {
        "id": "V1",
        "date": "2026-04-05",
        "type": "Sales",
        "number": "S/1",
        "narration": "बिल क्र. 101, चेक 445566",
        "lines": [{"ledger": "L1", "debit": "1180.00"}, {"ledger": "L2", "credit": "1180.00"}],
    },
    {
        "id": "V2",
        "date": "2026-04-20",
        "type": "Receipt",
        "number": "R/1",
        "lines": [{"ledger": "L3", "debit": "500"}, {"ledger": "L1", "credit": "500"}],
    },
]
BILLS: list[dict[str, Any]] = [
    {
        "id": "B1",
        "ledger": "L1",
        "ref": "101",
        "date": "2026-04-05",
        "due_date": "2026-05-05",
        "amount": "1180.00",
        "pending": "680.00",
    }
]


async def _synced(client: Any, infra: Infrastructure) -> str:
    tenant_id = await provision(client, infra.settings)
    for kind, rows in (("ledgers", LEDGERS), ("vouchers", VOUCHERS), ("bills", BILLS)):
        result = await sync(client, infra.settings, tenant_id, kind, rows)
        assert result == {
            "received": len(rows),
            "applied": len(rows),
            "unchanged": 0,
            "deleted": 0,
            "errors": [],
        }
    return tenant_id


async def _figures(infra: Infrastructure, tenant_id: str, ledger: str) -> LedgerFigures:
    return await statement_figures(infra, tenant_id, ledger, date(2026, 4, 1), date(2026, 4, 30))


async def test_a_full_sync_reports_what_was_sent(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await _synced(client, infra)
        status = await client.get(
            f"/api/v1/tenants/{tenant_id}/books/status",
            headers=service_headers(infra.settings, "books:read"),
        )
    figures = await _figures(infra, tenant_id, "श्री गणेश ट्रेडर्स")
    assert (figures.opening, figures.debit, figures.credit) == (
        Decimal("1500.00"),
        Decimal("1180.00"),
        Decimal("500.00"),
    )
    assert figures.closing == Decimal("1500") + Decimal("1180") - Decimal("500")
    async with infra.uow() as uow:
        bill = await uow.session.scalar(select(Bill).where(Bill.tenant_id == tenant_id))
        entry = await uow.session.scalar(
            select(PartyEmail).where(PartyEmail.tenant_id == tenant_id)
        )
    assert bill is not None and (bill.kind, bill.pending_amount) == ("receivable", Decimal("680"))
    async with infra.uow() as uow:
        ledger = await uow.session.scalar(
            select(Ledger).where(Ledger.tenant_id == tenant_id, Ledger.external_id == "L1")
        )
    assert ledger is not None and (ledger.gstin, ledger.address) == (
        "27AAPFU0939F1ZV",
        ["12, Laxmi Road", "Pune 411030"],
    )
    assert entry is not None and entry.to_addresses == ["accounts@ganesh.example"]
    assert entry.cc_addresses == ["owner@ganesh.example"]
    counts = status.json()
    assert counts["ledgers"]["count"] == 3
    assert (counts["vouchers"]["count"], counts["vouchers"]["lines"]) == (2, 4)
    assert counts["bills"]["count"] == 1
    assert counts["bills"]["last_changed_at"] is not None


async def test_the_same_body_twice_changes_nothing(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await _synced(client, infra)
        for kind, rows in (("ledgers", LEDGERS), ("vouchers", VOUCHERS), ("bills", BILLS)):
            again = await sync(client, infra.settings, tenant_id, kind, rows)
            assert (again["applied"], again["unchanged"]) == (0, len(rows)), kind


async def test_a_rename_keeps_history_directory_and_schedules(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await _synced(client, infra)
        async with infra.uow() as uow:
            uow.session.add(
                ReportSchedule(
                    tenant_id=tenant_id,
                    owner="u1",
                    name="Monthly",
                    report="ledger",
                    format="pdf",
                    params={"ledger": "श्री गणेश ट्रेडर्स"},
                    cron="0 9 1 * *",
                    timezone="Asia/Kolkata",
                )
            )
            await uow.commit()
        renamed = {**LEDGERS[0], "name": "Ganesh Traders (Pune)", "emails": None}
        result = await sync(client, infra.settings, tenant_id, "ledgers", [renamed])
    assert result["applied"] == 1
    figures = await _figures(infra, tenant_id, "Ganesh Traders (Pune)")
    assert (figures.entries, figures.debit) == (2, Decimal("1180.00"))
    async with infra.uow() as uow:
        entry = await uow.session.scalar(
            select(PartyEmail).where(PartyEmail.tenant_id == tenant_id)
        )
        schedule = await uow.session.scalar(
            select(ReportSchedule).where(ReportSchedule.tenant_id == tenant_id)
        )
        bill = await uow.session.scalar(select(Bill).where(Bill.tenant_id == tenant_id))
    assert entry is not None and entry.ledger_key == "ganesh traders (pune)"
    assert schedule is not None and schedule.params["ledger"] == "Ganesh Traders (Pune)"
    async with infra.uow() as uow:
        ledger = await uow.session.get(Ledger, bill.ledger_id) if bill is not None else None
    assert ledger is not None and ledger.name == "Ganesh Traders (Pune)"


async def test_bad_rows_are_reported_by_line_and_good_ones_kept(infra: Infrastructure) -> None:
    unbalanced = {
        "id": "V9",
        "date": "2026-04-21",
        "type": "Journal",
        "lines": [{"ledger": "L2", "debit": "10"}, {"ledger": "L3", "credit": "9.99"}],
    }
    unknown = {
        **VOUCHERS[1],
        "id": "V10",
        "lines": [{"ledger": "L3", "debit": "1"}, {"ledger": "NOPE", "credit": "1"}],
    }
    floaty = {
        **VOUCHERS[1],
        "id": "V11",
        "lines": [{"ledger": "L3", "debit": 1.5}, {"ledger": "L1", "credit": "1.5"}],
    }
    good = {**VOUCHERS[1], "id": "V12"}
    async with gateway_client(infra) as client:
        tenant_id = await _synced(client, infra)
        response = await client.post(
            f"/api/v1/tenants/{tenant_id}/books/vouchers",
            content=ndjson([unbalanced, unknown]) + b"{not json\n" + ndjson([floaty, good]),
            headers={**service_headers(infra.settings), "Content-Type": "application/x-ndjson"},
        )
    result = response.json()
    assert (result["received"], result["applied"]) == (5, 1)
    errors = {(e["line"], e["id"], e["field"]) for e in result["errors"]}
    assert errors == {
        (1, "V9", "row"),
        (2, "V10", "lines.1.ledger"),
        (3, None, "line"),
        (4, "V11", "lines.0.debit"),
    }
    assert "do not balance" in result["errors"][0]["message"]


async def test_a_deleted_voucher_and_bill_leave_the_reports(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await _synced(client, infra)
        gone = await sync(
            client, infra.settings, tenant_id, "vouchers", [{"id": "V1", "deleted": True}]
        )
        bill_gone = await sync(
            client, infra.settings, tenant_id, "bills", [{"id": "B1", "deleted": True}]
        )
        in_use = await sync(
            client, infra.settings, tenant_id, "ledgers", [{"id": "L1", "deleted": True}]
        )
    assert (gone["deleted"], bill_gone["deleted"]) == (1, 1)
    assert in_use["errors"][0]["field"] == "deleted"
    figures = await _figures(infra, tenant_id, "श्री गणेश ट्रेडर्स")
    assert (figures.entries, figures.debit, figures.credit) == (1, Decimal(0), Decimal("500"))


async def test_limits_and_media_types_are_named(infra: Infrastructure) -> None:
    settings = infra.settings.model_copy(update={"books_max_rows_per_request": 2})
    infra.settings = settings
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, settings)
        path = f"/api/v1/tenants/{tenant_id}/books/ledgers"
        too_many = await client.post(
            path,
            content=ndjson(LEDGERS),
            headers={**service_headers(settings), "Content-Type": "application/x-ndjson"},
        )
        as_array = await client.post(path, json=LEDGERS[:2], headers=service_headers(settings))
        as_csv = await client.post(
            path,
            content=b"id,name",
            headers={**service_headers(settings), "Content-Type": "text/csv"},
        )
    assert too_many.status_code == 413
    assert (too_many.json()["code"], too_many.json()["limit"]) == ("too_many_rows", 2)
    assert as_array.status_code == 200 and as_array.json()["applied"] == 2
    assert as_csv.status_code == 415


async def test_a_user_token_cannot_sync(infra: Infrastructure, tenant_id: str) -> None:
    from tests.factories import auth_header, token_for

    admin = auth_header(token_for(infra.settings, tenant_id, role="admin"))
    async with gateway_client(infra) as client:
        response = await client.post(
            f"/api/v1/tenants/{tenant_id}/books/ledgers", json=LEDGERS, headers=admin
        )
    assert response.status_code == 403


async def test_a_bad_gstin_refuses_only_its_ledger(infra: Infrastructure) -> None:
    bad = {**LEDGERS[1], "id": "L9", "name": "Typo Traders", "gstin": "27AAPFU0939F1ZX"}
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, infra.settings)
        result = await sync(client, infra.settings, tenant_id, "ledgers", [LEDGERS[2], bad])
    assert result["applied"] == 1
    (error,) = result["errors"]
    assert (error["line"], error["id"], error["field"]) == (2, "L9", "gstin")


async def test_an_id_sent_twice_in_one_request_is_refused_the_second_time(
    infra: Infrastructure,
) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, infra.settings)
        twice = [LEDGERS[2], {**LEDGERS[2], "name": "Cash (again)"}]
        result = await sync(client, infra.settings, tenant_id, "ledgers", twice)
    assert result["applied"] == 1
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(2, "id")]


async def test_a_ledger_no_sync_has_claimed_is_adopted_by_name(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, infra.settings)
        await create_ledger(
            infra.uow(),
            tenant_id,
            "Sharma Traders",
            entries=[(date(2026, 4, 2), Decimal("250.00"), Decimal(0))],
        )
        row = {"id": "S1", "name": "sharma traders", "group": "Sundry Debtors"}
        first = await sync(client, infra.settings, tenant_id, "ledgers", [row])
        again = await sync(client, infra.settings, tenant_id, "ledgers", [row])
    assert (first["applied"], first["errors"], again["unchanged"]) == (1, [], 1)
    figures = await _figures(infra, tenant_id, "sharma traders")
    assert (figures.entries, figures.debit) == (1, Decimal("250.00"))
