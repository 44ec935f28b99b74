"""Who a schedule may email: internal-only outstanding, distribution lists, the directory."""

from __future__ import annotations

from sqlalchemy import update

from shared.infra.db.models import Tenant
from shared.infra.runtime import Infrastructure
from tests.factories import create_ledger, create_tenant

from .gateway import gateway_client
from .schedules_helpers import SCHEDULES, create, fields, headers, ledger_body, outstanding_body


async def set_internal_domains(infra: Infrastructure, tenant_id: str, domains: list[str]) -> None:
    async with infra.sessions() as session:
        await session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(internal_domains=domains)
        )
        await session.commit()


async def test_outstanding_refuses_external_addresses(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = headers(infra, tenant_id)
    recipients = {
        "to": ["cfo@example.in", "partner@gmail.com"],
        "bcc": ["x@example.in.evil.com"],
    }
    async with gateway_client(infra) as client:
        response = await client.post(
            SCHEDULES, json=outstanding_body(recipients=recipients), headers=user
        )
        nobody = await client.post(
            SCHEDULES, json=outstanding_body(recipients={"cc": ["cfo@example.in"]}), headers=user
        )
    assert response.status_code == 409
    assert response.json()["code"] == "external_recipients"
    assert fields(response) == ["recipients.to.1", "recipients.bcc.0"]
    assert "partner@gmail.com" in response.json()["detail"]
    assert nobody.status_code == 422 and fields(nobody) == ["recipients.to"]


async def test_outstanding_through_a_distribution_list(
    infra: Infrastructure, tenant_id: str
) -> None:
    await set_internal_domains(infra, tenant_id, ["example.in", "branch.in"])
    await create_ledger(infra.uow(), tenant_id)
    admin = headers(infra, tenant_id, "admin")
    user = headers(infra, tenant_id)
    other_tenant = await create_tenant(infra.uow())
    async with gateway_client(infra) as client:
        made = await client.post(
            "/api/v1/distribution-lists",
            json={"name": "Branch", "to": ["head@branch.in"], "cc": ["ar@example.in"]},
            headers=admin,
        )
        assert made.status_code == 201, made.text
        list_id = made.json()["id"]
        theirs = await client.post(
            "/api/v1/distribution-lists",
            json={"name": "Theirs", "to": ["boss@example.in"]},
            headers=headers(infra, other_tenant, "admin"),
        )
        by_list = {"to": [], "distribution_list_id": list_id}
        accepted = await create(client, outstanding_body(recipients=by_list), user)
        await set_internal_domains(infra, tenant_id, ["example.in"])
        refused = await client.post(
            SCHEDULES, json=outstanding_body(recipients=by_list), headers=user
        )
        foreign = await client.post(
            SCHEDULES,
            json=outstanding_body(recipients={"distribution_list_id": theirs.json()["id"]}),
            headers=user,
        )
        for_a_ledger = await client.post(
            SCHEDULES, json=ledger_body(recipients=by_list), headers=user
        )
    assert accepted["recipients"] == {
        "to": [],
        "cc": [],
        "bcc": [],
        "distribution_list_id": list_id,
    }
    assert refused.status_code == 409
    assert fields(refused) == ["recipients.distribution_list_id"]
    assert "head@branch.in" in refused.json()["detail"]
    assert foreign.status_code == 404 and fields(foreign) == ["recipients.distribution_list_id"]
    assert foreign.json()["code"] == "distribution_list_not_found"
    assert for_a_ledger.status_code == 422
    assert "recipients.distribution_list_id" in fields(for_a_ledger)


async def test_ledger_to_may_be_left_to_the_party_directory(
    infra: Infrastructure, tenant_id: str
) -> None:
    await create_ledger(infra.uow(), tenant_id)
    user = headers(infra, tenant_id)
    without_to = ledger_body(recipients={"cc": ["me@example.in"]})
    async with gateway_client(infra) as client:
        refused = await client.post(SCHEDULES, json=without_to, headers=user)
        entry = await client.post(
            "/api/v1/party-emails",
            json={"ledger_name": "SHARMA  traders", "to": ["accounts@sharma.in"]},
            headers=headers(infra, tenant_id, "admin"),
        )
        assert entry.status_code == 201, entry.text
        accepted = await create(client, without_to, user)
    assert refused.status_code == 409
    assert refused.json()["code"] == "no_directory_entry"
    assert fields(refused) == ["recipients.to"]
    assert "no recipient" in refused.json()["detail"]
    # The directory is read again at every run; only what was typed is stored.
    assert accepted["recipients"]["to"] == []
    assert accepted["recipients"]["cc"] == ["me@example.in"]
