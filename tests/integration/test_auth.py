"""Authentication and authorisation at the gateway, against the real database."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

import jwt

from shared.infra.runtime import Infrastructure
from shared.infra.tokens import mint_token
from tests.factories import auth_header, create_ledger, create_tenant, token_for

from .gateway import gateway_client

ADMIN_ROUTE = "/api/v1/admin/tenant"
JOBS = "/api/v1/exports/jobs"


async def test_missing_token_is_401(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        response = await client.get(JOBS)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"


async def test_expired_token_is_401(infra: Infrastructure, tenant_id: str) -> None:
    token = mint_token(
        infra.settings,
        user_id="u1",
        tenant_id=tenant_id,
        role="admin",
        email="u1@example.in",
        ttl=timedelta(minutes=-10),
    )
    async with gateway_client(infra) as client:
        response = await client.get(JOBS, headers=auth_header(token))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


async def test_forged_token_is_401(infra: Infrastructure, tenant_id: str) -> None:
    forged = jwt.encode(
        {"sub": "u1", "tenant": tenant_id, "role": "admin", "email": "x@y.in", "exp": 9999999999},
        "not-our-secret-not-our-secret-not-our-secret",
        "HS256",
    )
    unsigned = jwt.encode(
        {"sub": "u1", "tenant": tenant_id, "role": "admin", "email": "x@y.in", "exp": 9999999999},
        None,
        "none",
    )
    async with gateway_client(infra) as client:
        for token in (forged, unsigned, "garbage"):
            response = await client.get(JOBS, headers=auth_header(token))
            assert response.status_code == 401, token


async def test_user_on_admin_route_is_403_and_admin_passes(
    infra: Infrastructure, tenant_id: str
) -> None:
    async with gateway_client(infra) as client:
        as_user = await client.get(
            ADMIN_ROUTE, headers=auth_header(token_for(infra.settings, tenant_id))
        )
        as_admin = await client.get(
            ADMIN_ROUTE, headers=auth_header(token_for(infra.settings, tenant_id, "admin"))
        )
    assert as_user.status_code == 403
    assert as_admin.status_code == 200
    assert as_admin.json()["id"] == tenant_id


async def test_unknown_tenant_is_403(infra: Infrastructure) -> None:
    token = token_for(infra.settings, f"nobody-{uuid.uuid4().hex[:6]}", "admin")
    async with gateway_client(infra) as client:
        response = await client.get(JOBS, headers=auth_header(token))
    assert response.status_code == 403
    assert response.json()["detail"] == "unknown tenant"


async def test_another_tenants_job_is_404(infra: Infrastructure, tenant_id: str) -> None:
    ledger = await create_ledger(
        infra.uow(), tenant_id, entries=[(date(2025, 4, 2), Decimal("1.00"), Decimal("0"))]
    )
    other_tenant = await create_tenant(infra.uow())
    owner = auth_header(token_for(infra.settings, tenant_id, "admin"))
    body = {
        "report": "ledger",
        "format": "csv",
        "params": {"ledger": ledger, "from_date": "2025-04-01", "to_date": "2025-04-30"},
    }
    async with gateway_client(infra) as client:
        created = await client.post(JOBS, json=body, headers=owner)
        assert created.status_code == 202
        job_id = created.json()["id"]
        outsider = auth_header(token_for(infra.settings, other_tenant, "admin"))
        for path in (f"{JOBS}/{job_id}", f"{JOBS}/{job_id}/download"):
            response = await client.get(path, headers=outsider)
            assert response.status_code == 404, path
        listing = await client.get(JOBS, headers=outsider)
    assert listing.json()["items"] == []


async def test_user_sees_only_their_jobs_admin_sees_all(
    infra: Infrastructure, tenant_id: str
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id)
    body = {
        "report": "ledger",
        "format": "csv",
        "params": {"ledger": ledger, "from_date": "2025-04-01", "to_date": "2025-04-30"},
    }
    alice = auth_header(token_for(infra.settings, tenant_id, user_id="alice"))
    bob = auth_header(token_for(infra.settings, tenant_id, user_id="bob"))
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    async with gateway_client(infra) as client:
        job_id = (await client.post(JOBS, json=body, headers=alice)).json()["id"]
        assert (await client.get(f"{JOBS}/{job_id}", headers=bob)).status_code == 404
        assert (await client.get(f"{JOBS}/{job_id}", headers=admin)).status_code == 200
        assert [j["id"] for j in (await client.get(JOBS, headers=alice)).json()["items"]] == [
            job_id
        ]
        assert (await client.get(JOBS, headers=bob)).json()["items"] == []
