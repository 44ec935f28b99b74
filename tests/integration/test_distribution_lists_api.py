"""The internal distribution lists API through the in-process gateway, against the database."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update

from shared.infra.db.models import DistributionList, Tenant
from shared.infra.runtime import Infrastructure
from shared.infra.tokens import Role
from tests.factories import auth_header, create_tenant, token_for

from .gateway import gateway_client

LISTS = "/api/v1/distribution-lists"
NO_DOMAINS = "the tenant has no internal email domains; an admin sets them in the email settings"


def list_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Accounts Team",
        "to": ["head@example.in"],
        "cc": ["clerk@example.in"],
        "bcc": ["audit@example.in"],
    }
    body.update(overrides)
    return body


def headers(infra: Infrastructure, tenant_id: str, role: Role = "admin") -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, role))


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


async def stored_count(infra: Infrastructure, tenant_id: str) -> int:
    async with infra.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(DistributionList)
            .where(DistributionList.tenant_id == tenant_id)
        )
    return int(count or 0)


async def set_internal_domains(infra: Infrastructure, tenant_id: str, domains: list[str]) -> None:
    async with infra.sessions() as session:
        await session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(internal_domains=domains)
        )
        await session.commit()


async def test_admin_round_trip(infra: Infrastructure, tenant_id: str) -> None:
    admin = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await client.post(
            LISTS,
            json=list_body(
                name="  Accounts   Team ",
                to=["Head@Example.IN", "head@example.in"],
                cc=["HEAD@example.in", "clerk@example.in"],
            ),
            headers=admin,
        )
        assert created.status_code == 201, created.text
        body = created.json()
        list_id = body["id"]
        assert created.headers["location"] == f"{LISTS}/{list_id}"
        assert body["name"] == "Accounts Team"
        # Normalized and deduplicated across the three lists, the first spelling kept.
        assert (body["to"], body["cc"], body["bcc"]) == (
            ["Head@example.in"],
            ["clerk@example.in"],
            ["audit@example.in"],
        )
        assert body["external"] == []
        assert body["created_at"] and body["updated_at"]

        read = await client.get(f"{LISTS}/{list_id}", headers=admin)
        assert read.status_code == 200
        assert read.json() == body

        await client.post(LISTS, json=list_body(name="aardvarks"), headers=admin)
        listed = await client.get(LISTS, headers=admin)
        assert [item["name"] for item in listed.json()["items"]] == ["aardvarks", "Accounts Team"]

        replaced = await client.put(
            f"{LISTS}/{list_id}",
            json={"name": "Accounts", "bcc": ["boss@example.in"]},
            headers=admin,
        )
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["name"] == "Accounts"
        assert (replaced.json()["to"], replaced.json()["cc"]) == ([], [])
        assert replaced.json()["bcc"] == ["boss@example.in"]
        assert replaced.json()["created_at"] == body["created_at"]
        assert replaced.json()["updated_at"] >= body["updated_at"]
        assert (await client.get(f"{LISTS}/{list_id}", headers=admin)).json() == replaced.json()

        deleted = await client.delete(f"{LISTS}/{list_id}", headers=admin)
        assert deleted.status_code == 204
        assert deleted.content == b""
        gone = await client.get(f"{LISTS}/{list_id}", headers=admin)
        assert gone.status_code == 404
        assert gone.headers["content-type"] == "application/problem+json"
        again = await client.delete(f"{LISTS}/{list_id}", headers=admin)
        assert again.status_code == 404
    assert await stored_count(infra, tenant_id) == 1


async def test_users_read_but_may_not_write(infra: Infrastructure, tenant_id: str) -> None:
    user = headers(infra, tenant_id, "user")
    async with gateway_client(infra) as client:
        created = await client.post(LISTS, json=list_body(), headers=headers(infra, tenant_id))
        list_id = created.json()["id"]
        listed = await client.get(LISTS, headers=user)
        read = await client.get(f"{LISTS}/{list_id}", headers=user)
        writes = [
            await client.post(LISTS, json=list_body(name="Mine"), headers=user),
            await client.put(f"{LISTS}/{list_id}", json=list_body(name="Mine"), headers=user),
            await client.delete(f"{LISTS}/{list_id}", headers=user),
        ]
        after = await client.get(f"{LISTS}/{list_id}", headers=user)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["items"]] == [list_id]
    assert read.status_code == 200 and read.json() == created.json()
    assert [response.status_code for response in writes] == [403, 403, 403]
    assert all(r.headers["content-type"] == "application/problem+json" for r in writes)
    assert after.json() == created.json()
    assert await stored_count(infra, tenant_id) == 1


async def test_a_duplicate_name_is_409(infra: Infrastructure, tenant_id: str) -> None:
    admin = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        first = await client.post(LISTS, json=list_body(name="Sales Team"), headers=admin)
        same = await client.post(LISTS, json=list_body(name=" SALES   team"), headers=admin)
        other = await client.post(LISTS, json=list_body(name="Sales"), headers=admin)
        renamed = await client.put(
            f"{LISTS}/{other.json()['id']}", json=list_body(name="sales team"), headers=admin
        )
        # Keeping its own name (in another case) is no conflict.
        kept = await client.put(
            f"{LISTS}/{first.json()['id']}", json=list_body(name="SALES TEAM"), headers=admin
        )
    assert first.status_code == 201
    for conflict in (same, renamed):
        assert conflict.status_code == 409, conflict.text
        assert conflict.headers["content-type"] == "application/problem+json"
        assert fields(conflict) == ["name"]
    assert kept.status_code == 200 and kept.json()["name"] == "SALES TEAM"
    assert await stored_count(infra, tenant_id) == 2


# Malformed input is 422; a well-formed address outside the tenant's internal domains is a
# 409 `external_recipients` (the tenant's settings decide, not the request's shape).
@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"to": ["x@evil.com"]}, "to.0", 409),
        ({"cc": ["x@example.in.evil.com"]}, "cc.0", 409),
        ({"bcc": ["x@mail.example.in"]}, "bcc.0", 409),
        ({"to": ['"boss@example.in" <x@evil.com>']}, "to.0", 422),
        ({"to": ['"a@example.in"@evil.com']}, "to.0", 422),
        ({"to": ["x@example.in."]}, "to.0", 422),
        ({"to": ["x@ex\u0430mple.in"]}, "to.0", 409),  # Cyrillic a: an IDNA look-alike
        ({"to": ["x@exampl\u0435.in"]}, "to.0", 409),  # Cyrillic e
        ({"to": ["a@example.in\r\nBcc: x@evil.com"]}, "to.0", 422),
        ({"name": "Team\r\nBcc: x@evil.com"}, "name", 422),
        ({"name": "   "}, "name", 422),
        ({"name": ""}, "name", 422),
        ({"to": [], "cc": [], "bcc": []}, "to", 422),
        ({"to": [f"u{n}@example.in" for n in range(51)]}, "to", 422),
        ({"to": [f"u{n}@example.in" for n in range(30)], "cc": ["x@example.in"] * 30}, None, 201),
        ({"surprise": 1}, "surprise", 422),
    ],
)
async def test_each_bad_field_is_named(
    infra: Infrastructure,
    tenant_id: str,
    overrides: dict[str, Any],
    field: str | None,
    status: int,
) -> None:
    async with gateway_client(infra) as client:
        response = await client.post(
            LISTS, json=list_body(**overrides), headers=headers(infra, tenant_id)
        )
    if field is None:  # duplicates count once: 30 + 1 + the default bcc is within the limit
        assert response.status_code == 201, response.text
        return
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in fields(response)
    if status == 409:
        assert response.json()["code"] == "external_recipients"
    assert await stored_count(infra, tenant_id) == 0


async def test_the_limit_counts_the_three_lists_together(
    infra: Infrastructure, tenant_id: str
) -> None:
    body = list_body(
        to=[f"t{n}@example.in" for n in range(20)],
        cc=[f"c{n}@example.in" for n in range(20)],
        bcc=[f"b{n}@example.in" for n in range(11)],
    )
    async with gateway_client(infra) as client:
        response = await client.post(LISTS, json=body, headers=headers(infra, tenant_id))
    assert response.status_code == 422
    assert fields(response) == ["bcc"]
    assert "at most 50" in response.json()["detail"]


async def test_every_external_address_is_listed(infra: Infrastructure, tenant_id: str) -> None:
    """Malformed addresses first (422), then every address outside the domains at once (409)."""
    mixed = list_body(
        name="Mixed",
        to=["ok@example.in", "x@evil.com"],
        cc=["OK2@Example.IN"],
        bcc=["b@example.in", "not an address", "y@example.in.evil.com"],
    )
    outside = list_body(
        name="Outside",
        to=["ok@example.in", "x@evil.com"],
        cc=["OK2@Example.IN"],
        bcc=["b@example.in", "y@example.in.evil.com"],
    )
    admin = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        malformed = await client.post(LISTS, json=mixed, headers=admin)
        created = await client.post(LISTS, json=outside, headers=admin)
        good = await client.post(LISTS, json=list_body(), headers=admin)
        updated = await client.put(f"{LISTS}/{good.json()['id']}", json=outside, headers=admin)
        unchanged = await client.get(f"{LISTS}/{good.json()['id']}", headers=admin)
    assert malformed.status_code == 422, malformed.text
    assert fields(malformed) == ["bcc.1"]
    assert malformed.json()["errors"][0]["message"].startswith("not a valid email address")
    for refused in (created, updated):
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "external_recipients"
        assert fields(refused) == ["to.1", "bcc.1"]
        messages = [error["message"] for error in refused.json()["errors"]]
        assert "'x@evil.com'" in messages[0] and "not an internal address" in messages[0]
        assert "'y@example.in.evil.com'" in messages[1]
    assert unchanged.json() == good.json()
    assert await stored_count(infra, tenant_id) == 1


async def test_a_tenant_without_internal_domains_is_told_plainly(
    infra: Infrastructure, tenant_id: str
) -> None:
    admin = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        existing = await client.post(LISTS, json=list_body(), headers=admin)
        await set_internal_domains(infra, tenant_id, [])
        created = await client.post(LISTS, json=list_body(name="Other"), headers=admin)
        updated = await client.put(
            f"{LISTS}/{existing.json()['id']}", json=list_body(), headers=admin
        )
    for response in (created, updated):
        assert response.status_code == 409, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == NO_DOMAINS
        assert response.json()["code"] == "no_internal_domains"
    assert await stored_count(infra, tenant_id) == 1


async def test_addresses_no_longer_internal_are_flagged_on_read(
    infra: Infrastructure, tenant_id: str
) -> None:
    admin = headers(infra, tenant_id)
    await set_internal_domains(infra, tenant_id, ["example.in", "branch.example.org"])
    body = list_body(to=["head@example.in", "ops@branch.example.org"], cc=[], bcc=[])
    async with gateway_client(infra) as client:
        created = await client.post(LISTS, json=body, headers=admin)
        assert created.status_code == 201, created.text
        assert created.json()["external"] == []
        list_id = created.json()["id"]

        await set_internal_domains(infra, tenant_id, ["example.in"])
        read = await client.get(f"{LISTS}/{list_id}", headers=headers(infra, tenant_id, "user"))
        listed = await client.get(LISTS, headers=admin)
        # Saving it unchanged is refused until the address goes or the domain comes back.
        resaved = await client.put(f"{LISTS}/{list_id}", json=body, headers=admin)
    assert read.status_code == 200
    assert read.json()["to"] == ["head@example.in", "ops@branch.example.org"]
    assert read.json()["external"] == ["ops@branch.example.org"]
    assert listed.json()["items"][0]["external"] == ["ops@branch.example.org"]
    assert resaved.status_code == 409
    assert fields(resaved) == ["to.1"]


async def test_another_tenants_lists_are_invisible(infra: Infrastructure, tenant_id: str) -> None:
    other = await create_tenant(infra.uow())
    mine, theirs = headers(infra, tenant_id), headers(infra, other)
    async with gateway_client(infra) as client:
        created = await client.post(LISTS, json=list_body(), headers=mine)
        list_id = created.json()["id"]
        # The same name in another tenant is no conflict.
        their_own = await client.post(LISTS, json=list_body(), headers=theirs)
        responses = [
            await client.get(f"{LISTS}/{list_id}", headers=theirs),
            await client.get(f"{LISTS}/{list_id}", headers=headers(infra, other, "user")),
            await client.put(f"{LISTS}/{list_id}", json=list_body(name="Taken"), headers=theirs),
            await client.delete(f"{LISTS}/{list_id}", headers=theirs),
        ]
        their_listing = await client.get(LISTS, headers=theirs)
        mine_after = await client.get(f"{LISTS}/{list_id}", headers=mine)
    assert their_own.status_code == 201
    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert all("head@example.in" not in response.text for response in responses)
    assert [item["id"] for item in their_listing.json()["items"]] == [their_own.json()["id"]]
    assert mine_after.json() == created.json()


async def test_unauthenticated_is_401(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        listed = await client.get(LISTS)
        created = await client.post(LISTS, json=list_body())
    assert (listed.status_code, created.status_code) == (401, 401)
