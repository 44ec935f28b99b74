"""Every problem carries a stable `code` (the web app translates by it): a rule's own, else the
status's; a field error without its own code has the problem's."""

from __future__ import annotations

import uuid

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

from .gateway import gateway_client


async def test_problems_without_a_rule_of_their_own_say_their_status(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = auth_header(token_for(infra.settings, tenant_id, "user"))
    async with gateway_client(infra) as client:
        unknown = await client.get(f"/api/v1/exports/jobs/{uuid.uuid4()}", headers=user)
        admin_only = await client.get("/api/v1/admin/tenant", headers=user)
        anonymous = await client.get("/api/v1/me")
        no_route = await client.get("/api/v1/no-such-thing", headers=user)
        method = await client.delete("/api/v1/me", headers=user)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert (admin_only.status_code, admin_only.json()["code"]) == (403, "admin_only")
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "not_authenticated")
    assert (no_route.status_code, no_route.json()["code"]) == (404, "not_found")
    assert (method.status_code, method.json()["code"]) == (405, "method_not_allowed")


async def test_field_errors_carry_a_code_each(infra: Infrastructure, tenant_id: str) -> None:
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    entry = {"ledger_name": f"Codes {uuid.uuid4().hex[:6]}", "to": ["a@example.in"]}
    async with gateway_client(infra) as client:
        first = await client.post("/api/v1/party-emails", json=entry, headers=admin)
        again = await client.post("/api/v1/party-emails", json=entry, headers=admin)
        both = await client.get(
            "/api/v1/party-emails/lookup", params={"ledger": "x", "party": "y"}, headers=admin
        )
    assert first.status_code == 201, first.text
    assert again.status_code == 409
    assert again.json()["code"] == "already_exists"
    assert again.json()["errors"] == [
        {"field": "ledger_name", "message": "already in the directory", "code": "already_exists"}
    ]
    assert both.status_code == 422
    assert {e["field"]: e["code"] for e in both.json()["errors"]} == {
        "ledger": "invalid",
        "party": "invalid",
    }
