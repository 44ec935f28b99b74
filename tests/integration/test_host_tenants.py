"""The host application provisions companies with its service token; users cannot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scheduler_service.ticker import tick

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

from .books_helpers import provision, service_headers
from .gateway import gateway_client
from .scheduling import create_schedule, runs_of


async def test_put_creates_then_updates_and_get_reads(infra: Infrastructure) -> None:
    settings = infra.settings
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, settings, default_language="mr")
        path = f"/api/v1/tenants/{tenant_id}"
        read = await client.get(path, headers=service_headers(settings, "tenants:write"))
        assert read.status_code == 200
        assert read.json()["name"] == "श्री गणेश ट्रेडर्स"
        assert read.json()["default_language"] == "mr"
        assert read.json()["timezone"] == "Asia/Kolkata"
        again = await client.put(
            path,
            json={"name": "Ganesh Traders", "timezone": "Asia/Kolkata"},
            headers=service_headers(settings),
        )
        assert again.status_code == 200
        assert again.json()["name"] == "Ganesh Traders"
        assert again.json()["internal_domains"] == []


async def test_bad_tenant_fields_are_named(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        bad_id = await client.put(
            "/api/v1/tenants/Not A Slug",
            json={"name": "x"},
            headers=service_headers(infra.settings),
        )
        bad_zone = await client.put(
            "/api/v1/tenants/zone-test",
            json={"name": "x", "timezone": "Mars/Olympus", "internal_domains": ["not a domain"]},
            headers=service_headers(infra.settings),
        )
    assert bad_id.status_code == 422
    assert bad_id.json()["errors"][0]["field"] == "tenant_id"
    assert bad_zone.status_code == 422
    fields = {error["field"]: error["code"] for error in bad_zone.json()["errors"]}
    assert fields == {"timezone": "timezone_unknown", "internal_domains": "domain_invalid"}


async def test_disabled_tenant_refuses_its_users_until_put_again(infra: Infrastructure) -> None:
    settings = infra.settings
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, settings)
        user = auth_header(token_for(settings, tenant_id))
        assert (await client.get("/api/v1/me", headers=user)).status_code == 200
        gone = await client.delete(
            f"/api/v1/tenants/{tenant_id}", headers=service_headers(settings)
        )
        assert gone.status_code == 204
        refused = await client.get("/api/v1/me", headers=user)
        assert refused.status_code == 403
        assert refused.json()["code"] == "tenant_disabled"
        read = await client.get(f"/api/v1/tenants/{tenant_id}", headers=service_headers(settings))
        assert read.json()["disabled"] is True
        back = await client.put(
            f"/api/v1/tenants/{tenant_id}", json={"name": "Back"}, headers=service_headers(settings)
        )
        assert back.json()["disabled"] is False
        assert (await client.get("/api/v1/me", headers=user)).status_code == 200


async def test_tokens_stay_on_their_side(infra: Infrastructure, tenant_id: str) -> None:
    settings = infra.settings
    async with gateway_client(infra) as client:
        service_on_user_route = await client.get("/api/v1/me", headers=service_headers(settings))
        admin = auth_header(token_for(settings, tenant_id, role="admin"))
        user_on_host_route = await client.get(f"/api/v1/tenants/{tenant_id}", headers=admin)
        missing_scope = await client.put(
            f"/api/v1/tenants/{tenant_id}",
            json={"name": "x"},
            headers=service_headers(settings, "books:read"),
        )
        unknown = await client.get("/api/v1/tenants/nobody-here", headers=service_headers(settings))
    assert service_on_user_route.status_code == 403
    assert service_on_user_route.json()["code"] == "service_token_not_allowed"
    assert user_on_host_route.status_code == 403
    assert user_on_host_route.json()["code"] == "service_only"
    assert missing_scope.status_code == 403
    assert missing_scope.json()["code"] == "scope_missing"
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "tenant_not_found"


async def test_the_host_sets_the_letterhead_profile(infra: Infrastructure) -> None:
    settings = infra.settings
    profile = {
        "legal_name": "Shree Ganesh Traders LLP",
        "address": ["12, Laxmi Road", "Pune 411030"],
        "gstin": "27AAPFU0939F1ZV",
        "pan": "AAPFU0939F",
        "phone": "+91 20 2712 3456",
        "email": "accounts@ganesh.example",
    }
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, settings, **profile)
        path = f"/api/v1/tenants/{tenant_id}"
        read = (await client.get(path, headers=service_headers(settings))).json()
        mismatch = await client.put(
            path,
            json={"name": "x", **profile, "pan": "AAACB1234C"},
            headers=service_headers(settings),
        )
        bad = await client.put(
            path, json={"name": "x", "gstin": "27AAPFU0939F1ZX"}, headers=service_headers(settings)
        )
        cleared = await client.put(path, json={"name": "x"}, headers=service_headers(settings))
    assert {key: read[key] for key in profile} == profile
    assert (mismatch.status_code, mismatch.json()["code"]) == (422, "gstin_pan_mismatch")
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "gstin_checksum"
    assert (cleared.json()["gstin"], cleared.json()["address"]) == (None, [])


async def test_a_disabled_tenants_schedules_wait(infra: Infrastructure) -> None:
    now = datetime(2026, 5, 4, 3, 30, tzinfo=UTC)
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, infra.settings)
        schedule = await create_schedule(infra, tenant_id, next_run_at=now)
        await client.delete(f"/api/v1/tenants/{tenant_id}", headers=service_headers(infra.settings))
        await tick(infra.uow, infra.settings, now + timedelta(seconds=5))
        assert await runs_of(infra, schedule) == []
        await client.put(
            f"/api/v1/tenants/{tenant_id}",
            json={"name": "Back"},
            headers=service_headers(infra.settings),
        )
    await tick(infra.uow, infra.settings, now + timedelta(seconds=6))
    assert len(await runs_of(infra, schedule)) == 1
