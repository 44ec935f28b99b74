"""Bad input gets a problem document naming the trouble, never a 500."""

from __future__ import annotations

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

from .gateway import gateway_client


async def test_nul_characters_are_a_422_not_a_500(infra: Infrastructure, tenant_id: str) -> None:
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        search = await client.get("/api/v1/ledgers", params={"search": "a\x00b"}, headers=user)
        audit = await client.get("/api/v1/email-audit", params={"report": "\x00"}, headers=user)
        body = await client.post(
            "/api/v1/exports/jobs",
            json={
                "report": "ledger",
                "format": "csv",
                "params": {"ledger": "x\x00", "from_date": "2025-04-01", "to_date": "2025-04-30"},
            },
            headers=user,
        )
    for response in (search, audit, body):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "NUL" in response.json()["detail"]
