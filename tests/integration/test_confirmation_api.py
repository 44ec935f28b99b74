"""The web app's confirmations API: by status with counts and the difference of a dispute,
by statement run (a run with confirm_balance asks each party it emails), one confirmation
with every answer, the tenant's for every role, another tenant's never."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from export_service.bootstrap import build_worker as build_export_worker
from sqlalchemy import select, update

from shared.infra.db.models import (
    BalanceConfirmation,
    Email,
    Ledger,
    LedgerEntry,
    StatementRunItem,
)
from shared.infra.runtime import Infrastructure
from shared.states import EmailStatus
from tests.conftest import Pump
from tests.factories import auth_header, create_tenant, token_for

from .confirming import answer, ask, party_with_balance
from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker
from .statement_runs_helpers import PERIOD, REFUSED, RUNS, admin, debtors_with_directory

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

LIST = "/api/v1/confirmations"


async def _get(infra: Infrastructure, headers: dict[str, str], path: str, **params: Any) -> Any:
    async with gateway_client(infra) as client:
        response = await client.get(path, headers=headers, params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_list_by_status_with_counts_and_the_difference_of_a_dispute(
    infra: Infrastructure, tenant_id: str
) -> None:
    for name in ("Arora Stores", "Bharat Traders", "Chawla & Sons"):
        await party_with_balance(infra, tenant_id, name)
    _, confirmed_path = await ask(infra, tenant_id, ledger="Arora Stores")
    disputed, disputed_path = await ask(infra, tenant_id, ledger="Bharat Traders")
    silent, _ = await ask(infra, tenant_id, ledger="Chawla & Sons")
    async with gateway_client(infra) as client:
        await answer(client, confirmed_path, {"answer": "confirmed"})
        await answer(client, disputed_path, {"answer": "confirmed"})
        fields = {"answer": "disputed", "amount": "12,00,000", "side": "dr", "note": "TDS"}
        await answer(client, disputed_path, fields)
    admin_headers = auth_header(token_for(infra.settings, tenant_id, "admin"))
    everything = await _get(infra, admin_headers, LIST)
    assert everything["counts"] == {"no_reply": 1, "confirmed": 1, "disputed": 1}
    assert [item["ledger"] for item in everything["items"]] == [
        "Chawla & Sons",
        "Bharat Traders",
        "Arora Stores",
    ]
    only = await _get(infra, admin_headers, LIST, status="disputed")
    [dispute] = only["items"]
    assert only["counts"] == everything["counts"]
    assert dispute["id"] == str(disputed) and dispute["note"] == "TDS"
    assert Decimal(dispute["balance"]) == Decimal("1234567.00")
    assert Decimal(dispute["party_balance"]) == Decimal("1200000.00")
    assert Decimal(dispute["difference"]) == Decimal("34567.00")
    assert (await _get(infra, admin_headers, LIST, status="no_reply"))["items"][0]["id"] == str(
        silent
    )
    page = await _get(infra, admin_headers, LIST, limit=2)
    rest = await _get(infra, admin_headers, LIST, limit=2, cursor=page["next_cursor"])
    assert [i["ledger"] for i in rest["items"]] == ["Arora Stores"] and rest["next_cursor"] is None

    detail = await _get(infra, admin_headers, f"{LIST}/{disputed}")
    assert [h["answer"] for h in detail["history"]] == ["confirmed", "disputed"]
    assert detail["replies"] == 2

    # Every role reads the tenant's confirmations (as its books); another tenant none of them.
    user_headers = auth_header(token_for(infra.settings, tenant_id))
    assert (await _get(infra, user_headers, LIST))["counts"] == everything["counts"]
    other = await create_tenant(infra.uow())
    outsider = auth_header(token_for(infra.settings, other, "admin"))
    assert (await _get(infra, outsider, LIST))["counts"]["disputed"] == 0
    async with gateway_client(infra) as client:
        hidden = await client.get(f"{LIST}/{disputed}", headers=outsider)
        bad = await client.get(LIST, headers=admin_headers, params={"status": "maybe"})
    assert hidden.status_code == 404 and hidden.json()["code"] == "confirmation_not_found"
    assert bad.status_code == 422


async def test_a_statement_run_with_confirm_balance_asks_each_party_it_emails(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", refuse_recipients=[REFUSED])
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await debtors_with_directory(infra, tenant_id)
    body = {
        "group": "Sundry Debtors",
        **PERIOD,
        "format": "csv",
        "skip_zero_balance": True,
        "skip_without_email": True,
        "confirm_balance": True,
    }
    async with gateway_client(infra) as client:
        started = await client.post(RUNS, json=body, headers=admin(infra, tenant_id))
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])
    messages = await sink.wait_for_messages(2)
    texts = {
        m.rcpt_tos[0]: str(m.message.get_body(preferencelist=("plain",)).get_content())
        for m in messages
    }
    assert (
        "/confirm/" in texts["accounts@arora.in"] and "Please confirm" in texts["accounts@arora.in"]
    )
    assert "कृपया ही शिल्लक बरोबर असल्याची पुष्टी करावी" in texts["hishob@ganesh.in"]

    listed = await _get(infra, admin(infra, tenant_id), LIST, statement_run_id=run_id)
    by_ledger = {item["ledger"]: item for item in listed["items"]}
    # Skipped parties are not asked; the one whose email failed is (its link is in the resend).
    assert set(by_ledger) == {"Arora Stores", "Dev Agencies", "श्री गणेश ट्रेडर्स"}
    assert Decimal(by_ledger["Arora Stores"]["balance"]) == Decimal("3500.00")
    assert Decimal(by_ledger["Dev Agencies"]["balance"]) == Decimal("-500.00")
    assert by_ledger["श्री गणेश ट्रेडर्स"]["language"] == "mr"
    assert all(item["statement_run_id"] == run_id for item in listed["items"])
    assert listed["counts"] == {"no_reply": 3, "confirmed": 0, "disputed": 0}
    # Another tenant's filter by this run finds nothing.
    other = await create_tenant(infra.uow())
    outsider = auth_header(token_for(infra.settings, other, "admin"))
    assert (await _get(infra, outsider, LIST, statement_run_id=run_id))["items"] == []


async def test_a_resent_statement_asks_to_confirm_the_balance_it_shows(
    infra: Infrastructure, tenant_id: str
) -> None:
    # The books changed between a statement that failed and its resend: the resent email's
    # statement shows the new closing balance, so its confirmation must ask about that one
    # (not the old balance, which the party would be asked to confirm beside a statement that
    # says otherwise).
    await debtors_with_directory(infra, tenant_id)
    body = {"ledgers": ["Dev Agencies"], **PERIOD, "format": "csv", "confirm_balance": True}
    async with gateway_client(infra) as client:
        started = await client.post(RUNS, json=body, headers=admin(infra, tenant_id))
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Email)
            .where(Email.statement_run_id == uuid.UUID(run_id))
            .values(status=EmailStatus.FAILED)
        )
        ledger_id = await uow.session.scalar(
            select(Ledger.id).where(Ledger.tenant_id == tenant_id, Ledger.name == "Dev Agencies")
        )
        assert ledger_id is not None
        uow.session.add(
            LedgerEntry(
                tenant_id=tenant_id,
                ledger_id=ledger_id,
                entry_date=date(2025, 6, 20),
                voucher_type="Sales",
                voucher_no="LATE/1",
                debit=Decimal("1000.00"),
                credit=Decimal("0"),
            )
        )
        await uow.commit()
    async with gateway_client(infra) as client:
        resent = await client.post(
            f"{RUNS}/{run_id}/resend-failed", headers=admin(infra, tenant_id)
        )
    assert resent.status_code == 202 and resent.json()["resent"] == 1, resent.text
    async with infra.uow() as uow:
        item = await uow.session.scalar(
            select(StatementRunItem).where(StatementRunItem.run_id == uuid.UUID(run_id))
        )
        assert item is not None and item.email_id is not None
        confirmation = await uow.session.scalar(
            select(BalanceConfirmation).where(BalanceConfirmation.email_id == item.email_id)
        )
    assert item.closing_balance == Decimal("500.00")  # was -500.00 Cr, then 1,000.00 Dr
    assert confirmation is not None, "the resent email's confirmation"
    assert confirmation.balance == item.closing_balance
    # The question about the old balance is withdrawn: its link closes, nobody is reminded.
    async with infra.uow() as uow:
        asked = list(
            await uow.session.scalars(
                select(BalanceConfirmation).where(
                    BalanceConfirmation.statement_run_id == uuid.UUID(run_id)
                )
            )
        )
    [old] = [c for c in asked if c.id != confirmation.id]
    assert old.balance == Decimal("-500.00") and old.expires_at <= datetime.now(UTC)
    assert confirmation.expires_at > datetime.now(UTC)
