"""Sending reports by email: directory auto-fill, the internal-only outstanding report,
idempotency, limits, and isolation between tenants and roles."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from export_service.bootstrap import build_worker as build_export_worker
from sqlalchemy import select, update

from shared.domain.csv_cells import UTF8_BYTE_ORDER_MARK
from shared.infra.db.models import EmailAudit, Tenant
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_ledger, create_tenant, token_for

from .gateway import gateway_client
from .mailing import configure_smtp, email_row, mail_infra, mail_worker

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

LEDGER_SEND = "/api/v1/reports/ledger/email"
OUTSTANDING_SEND = "/api/v1/reports/outstanding/email"
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-06-30"}
ENTRIES = [(date(2025, 4, 10), Decimal("1500.00"), Decimal("0"))]
TRICKY = [
    "someone@other.in",
    "x@example.in.evil.com",
    '"boss@example.in" <x@evil.com>',
    '"a@example.in"@evil.com',
    "x@example.in.",
    "x@\u0435xample.in",  # a Cyrillic letter that looks like e
]


async def _post(
    infra: Infrastructure, path: str, body: dict[str, Any], headers: dict[str, str]
) -> Any:
    async with gateway_client(infra) as client:
        return await client.post(path, json=body, headers=headers)


async def _directory_entry(infra: Infrastructure, tenant_id: str, **entry: Any) -> None:
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    response = await _post(infra, "/api/v1/party-emails", entry, admin)
    assert response.status_code == 201, response.text


async def test_ledger_to_is_auto_filled_and_cc_bcc_are_delivered(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    await _directory_entry(
        infra,
        tenant_id,
        ledger_name="SHARMA  traders",
        to=["accounts@sharma.in"],
        cc=["owner@sharma.in"],
    )
    user = auth_header(token_for(infra.settings, tenant_id))
    body = {"ledger": ledger, **PERIOD, "format": "csv", "bcc": ["audit@example.in"]}
    response = await _post(infra, LEDGER_SEND, body, user)
    assert response.status_code == 202, response.text
    accepted = response.json()
    assert accepted["to_source"] == "directory"
    assert accepted["recipients"] == {
        "to": ["accounts@sharma.in"],
        "cc": ["owner@sharma.in"],
        "bcc": ["audit@example.in"],
    }
    assert "Sharma Traders" in accepted["subject"]
    assert response.headers["location"] == f"/api/v1/emails/{accepted['email_id']}"

    await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])

    [received] = await sink.wait_for_messages(1)
    assert set(received.rcpt_tos) == {"accounts@sharma.in", "owner@sharma.in", "audit@example.in"}
    assert "audit@example.in" not in received.data.decode()
    assert received.message["Cc"] == "owner@sharma.in"
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_filename() == "Ledger_Sharma-Traders_2025-04-01_2025-06-30.csv"
    assert attachment.get_payload(decode=True).startswith(UTF8_BYTE_ORDER_MARK)
    async with gateway_client(infra) as client:
        email = (await client.get(response.headers["location"], headers=user)).json()
    assert email["status"] == "sent"


async def test_ledger_to_is_auto_filled_by_party_name(
    infra: Infrastructure, tenant_id: str
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, name="Gupta & Sons (Pune)")
    async with infra.uow() as uow:
        from shared.infra.db.models import Ledger

        await uow.session.execute(
            update(Ledger).where(Ledger.tenant_id == tenant_id).values(party_name="Gupta Group")
        )
        await uow.commit()
    await _directory_entry(
        infra,
        tenant_id,
        ledger_name="Gupta Head Office",
        party_name="Gupta Group",
        to=["ho@gupta.in"],
    )
    user = auth_header(token_for(infra.settings, tenant_id))
    response = await _post(infra, LEDGER_SEND, {"ledger": ledger, **PERIOD}, user)
    assert response.status_code == 202, response.text
    assert response.json()["recipients"]["to"] == ["ho@gupta.in"]


async def test_ledger_falls_back_to_typed_and_says_when_nobody_is_named(
    infra: Infrastructure, tenant_id: str
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id)
    user = auth_header(token_for(infra.settings, tenant_id))
    typed = await _post(
        infra, LEDGER_SEND, {"ledger": ledger, **PERIOD, "to": ["p@party.in"]}, user
    )
    nobody = await _post(infra, LEDGER_SEND, {"ledger": ledger, **PERIOD}, user)
    assert typed.status_code == 202 and typed.json()["to_source"] == "typed"
    assert nobody.status_code == 409
    assert nobody.json()["code"] == "no_directory_entry"
    assert nobody.json()["errors"][0]["field"] == "to"
    assert "no recipient" in nobody.json()["detail"]


@pytest.mark.parametrize("address", TRICKY)
async def test_outstanding_refuses_every_external_address_and_audits_it(
    infra: Infrastructure, tenant_id: str, address: str
) -> None:
    user = auth_header(token_for(infra.settings, tenant_id))
    body = {"kind": "receivable", "to": ["finance@example.in"], "bcc": [address]}
    response = await _post(infra, OUTSTANDING_SEND, body, user)
    assert response.status_code == 409, response.text
    problem = response.json()
    assert problem["code"] == "external_recipients"
    assert problem["errors"] == [
        {
            "field": "bcc.0",
            "message": f"{address!r} is not an internal address",
            "code": "external_recipients",
        }
    ]
    async with infra.sessions() as session:
        [audit] = list(
            await session.scalars(select(EmailAudit).where(EmailAudit.tenant_id == tenant_id))
        )
    assert (audit.status, audit.report, audit.error_class) == ("rejected", "outstanding", "policy")


@pytest.mark.parametrize("address", ["x%evil.com@example.in", "x!evil.com@example.in"])
async def test_outstanding_refuses_local_parts_that_relay_onward(
    infra: Infrastructure, tenant_id: str, address: str
) -> None:
    # An internal server honouring the percent hack or a bang path would send it outside.
    user = auth_header(token_for(infra.settings, tenant_id))
    body = {"kind": "receivable", "to": [address]}
    response = await _post(infra, OUTSTANDING_SEND, body, user)
    assert response.status_code == 409, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "to.0"
    assert "would relay it to another server" in error["message"]


async def test_a_distribution_list_refuses_local_parts_that_relay_onward(
    infra: Infrastructure, tenant_id: str
) -> None:
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    body = {"name": "Sneaky", "to": ["cfo@example.in"], "cc": ["x%evil.com@example.in"]}
    response = await _post(infra, "/api/v1/distribution-lists", body, admin)
    assert response.status_code == 409, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["cc.0"]


async def test_outstanding_accepts_internal_addresses_mixed_case_and_lists(
    infra: Infrastructure, tenant_id: str
) -> None:
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    listed = await _post(
        infra,
        "/api/v1/distribution-lists",
        {"name": "Finance", "to": ["cfo@example.in"], "cc": ["ar@example.in"]},
        admin,
    )
    assert listed.status_code == 201, listed.text
    user = auth_header(token_for(infra.settings, tenant_id))
    by_list = await _post(
        infra,
        OUTSTANDING_SEND,
        {"kind": "payable", "distribution_list_id": listed.json()["id"]},
        user,
    )
    typed = await _post(
        infra, OUTSTANDING_SEND, {"kind": "payable", "to": ["Boss@EXAMPLE.IN"]}, user
    )
    assert by_list.status_code == 202, by_list.text
    assert by_list.json()["to_source"] == "distribution_list"
    assert by_list.json()["recipients"]["cc"] == ["ar@example.in"]
    assert typed.status_code == 202, typed.text


async def test_the_mail_service_checks_the_internal_rule_again(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    user = auth_header(token_for(infra.settings, tenant_id))
    response = await _post(
        infra, OUTSTANDING_SEND, {"kind": "receivable", "to": ["cfo@example.in"]}, user
    )
    assert response.status_code == 202, response.text
    async with infra.uow() as uow:  # the domain is removed before the email goes out
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(internal_domains=[])
        )
        await uow.commit()
    await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])
    email = await email_row(infra, response.json()["email_id"])
    assert email.status == "rejected"
    assert sink.messages == []


async def test_outstanding_without_internal_domains_says_so(infra: Infrastructure) -> None:
    tenant = await create_tenant(infra.uow())
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant).values(internal_domains=[])
        )
        await uow.commit()
    user = auth_header(token_for(infra.settings, tenant))
    response = await _post(
        infra, OUTSTANDING_SEND, {"kind": "receivable", "to": ["a@example.in"]}, user
    )
    assert response.status_code == 409
    assert response.json()["code"] == "no_internal_domains"
    assert "no internal email domains" in response.json()["detail"]


async def test_a_double_click_sends_once(infra: Infrastructure, tenant_id: str) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id)
    headers = {**auth_header(token_for(infra.settings, tenant_id)), "Idempotency-Key": "click-1"}
    body = {"ledger": ledger, **PERIOD, "to": ["p@party.in"]}
    first = await _post(infra, LEDGER_SEND, body, headers)
    second = await _post(infra, LEDGER_SEND, body, headers)
    changed = await _post(infra, LEDGER_SEND, {**body, "to": ["q@party.in"]}, headers)
    assert first.status_code == second.status_code == 202
    assert first.json()["email_id"] == second.json()["email_id"]
    assert first.json()["export_job_id"] == second.json()["export_job_id"]
    assert changed.status_code == 409


async def test_rate_and_recipient_limits(infra: Infrastructure, tenant_id: str) -> None:
    limited = mail_infra(infra, send_rate_per_minute=2, send_max_recipients=3)
    ledger = await create_ledger(infra.uow(), tenant_id)
    user = auth_header(token_for(infra.settings, tenant_id))
    too_many = {"ledger": ledger, **PERIOD, "to": [f"p{n}@party.in" for n in range(4)]}
    crowded = await _post(limited, LEDGER_SEND, too_many, user)
    assert crowded.status_code == 422
    body = {"ledger": ledger, **PERIOD, "to": ["p@party.in"]}
    # Every request counts, refused ones too: the crowded one above was the first of two.
    allowed = await _post(limited, LEDGER_SEND, body, user)
    over = await _post(limited, LEDGER_SEND, body, user)
    assert allowed.status_code == 202
    assert over.status_code == 429
    assert over.headers["content-type"] == "application/problem+json"
    assert int(over.headers["retry-after"]) >= 1


async def test_nobody_uses_another_tenants_lists_directory_or_emails(
    infra: Infrastructure, tenant_id: str
) -> None:
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    listed = await _post(
        infra, "/api/v1/distribution-lists", {"name": "Ops", "to": ["ops@example.in"]}, admin
    )
    ledger = await create_ledger(infra.uow(), tenant_id)
    await _directory_entry(infra, tenant_id, ledger_name=ledger, to=["p@party.in"])
    mine = await _post(infra, LEDGER_SEND, {"ledger": ledger, **PERIOD}, admin)
    assert mine.status_code == 202

    other = await create_tenant(infra.uow())
    await create_ledger(infra.uow(), other)  # the same ledger name, but no directory entry
    outsider = auth_header(token_for(infra.settings, other, "admin"))
    their_list = await _post(
        infra,
        OUTSTANDING_SEND,
        {"kind": "receivable", "distribution_list_id": listed.json()["id"]},
        outsider,
    )
    their_ledger = await _post(infra, LEDGER_SEND, {"ledger": ledger, **PERIOD}, outsider)
    async with gateway_client(infra) as client:
        peek = await client.get(f"/api/v1/emails/{mine.json()['email_id']}", headers=outsider)
    assert their_list.status_code == 404
    assert their_list.json()["code"] == "distribution_list_not_found"
    assert their_list.json()["errors"][0]["field"] == "distribution_list_id"
    assert their_ledger.status_code == 409  # no auto-fill from the first tenant's directory
    assert their_ledger.json()["code"] == "no_directory_entry"
    assert peek.status_code == 404
