"""Party directory entries: the round trip, one per ledger, field checks, tidy addresses."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.party_directory import name_key
from shared.infra.runtime import Infrastructure

from .gateway import gateway_client
from .party_directory_helpers import ENTRIES, admin, assert_problem, entry, stored, user


async def test_name_key_ignores_case_and_spacing() -> None:
    assert name_key("  Sharma \t Traders\u00a0 ") == "sharma traders"
    assert name_key("   ") == ""


async def test_crud_round_trip(infra: Infrastructure, tenant_id: str) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await client.post(ENTRIES, json=entry(), headers=headers)
        assert created.status_code == 201, created.text
        body = created.json()
        location = created.headers["Location"]
        assert location == f"{ENTRIES}/{body['id']}"
        assert (body["ledger_name"], body["party_name"]) == ("Sharma Traders", "Sharma Group")
        assert body["updated_at"] is None  # null until first replaced
        assert (body["to"], body["cc"], body["bcc"]) == (
            ["accounts@sharma.in"],
            ["owner@sharma.in"],
            [],
        )
        assert (await client.get(location, headers=user(infra, tenant_id))).json() == body

        replaced = await client.put(
            location,
            json=entry("Sharma Traders (Delhi)", party_name=None, to=["b@sharma.in"], cc=[]),
            headers=headers,
        )
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["id"] == body["id"]
        assert replaced.json()["ledger_name"] == "Sharma Traders (Delhi)"
        assert (replaced.json()["party_name"], replaced.json()["to"]) == (None, ["b@sharma.in"])
        assert replaced.json()["updated_at"] is not None
        listed = await client.get(ENTRIES, headers=headers)
        assert [item["id"] for item in listed.json()["items"]] == [body["id"]]

        deleted = await client.delete(location, headers=headers)
        assert deleted.status_code == 204
        assert_problem(await client.get(location, headers=headers), 404)
        assert_problem(await client.delete(location, headers=headers), 404)
    assert await stored(infra, tenant_id) == {}


async def test_one_entry_per_ledger_ignoring_case_and_spacing(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        first = await client.post(ENTRIES, json=entry("Sharma  Traders"), headers=headers)
        assert first.status_code == 201
        again = await client.post(ENTRIES, json=entry(" sharma traders"), headers=headers)
        problem = assert_problem(again, 409)
        assert "sharma traders" in problem["detail"]
        assert problem["errors"][0]["field"] == "ledger_name"

        other = await client.post(ENTRIES, json=entry("Gupta & Sons"), headers=headers)
        taken = await client.put(
            other.headers["Location"], json=entry("SHARMA TRADERS"), headers=headers
        )
        assert_problem(taken, 409)
    assert sorted(await stored(infra, tenant_id)) == ["gupta & sons", "sharma traders"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"to": ["ok@sharma.in", "not-an-address"]}, "to.1"),
        ({"cc": ["Boss <boss@sharma.in>"]}, "cc.0"),
        ({"bcc": ["a@sharma.in\r\nBcc: x@evil.com"]}, "bcc.0"),
        ({"to": []}, "to"),
        ({"to": ["a@sharma.in"], "cc": [f"c{n}@sharma.in" for n in range(50)]}, "cc"),
        ({"ledger_name": "   "}, "ledger_name"),
        ({"ledger_name": "Sharma\nTraders"}, "ledger_name"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_invalid_fields_are_named(
    infra: Infrastructure, tenant_id: str, overrides: dict[str, Any], field: str
) -> None:
    async with gateway_client(infra) as client:
        response = await client.post(
            ENTRIES, json=entry(**overrides), headers=admin(infra, tenant_id)
        )
    problem = assert_problem(response, 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert await stored(infra, tenant_id) == {}


async def test_addresses_are_normalized_and_deduplicated(
    infra: Infrastructure, tenant_id: str
) -> None:
    body = entry(
        to=[" Accounts@Sharma.IN", "accounts@sharma.in", "b@sharma.in"],
        cc=["B@SHARMA.in", "c@Sharma.in"],
        bcc=["C@sharma.in", "audit@example.in"],
    )
    async with gateway_client(infra) as client:
        response = await client.post(ENTRIES, json=body, headers=admin(infra, tenant_id))
    assert response.status_code == 201, response.text
    result = response.json()
    assert result["to"] == ["Accounts@sharma.in", "b@sharma.in"]
    assert result["cc"] == ["c@sharma.in"]
    assert result["bcc"] == ["audit@example.in"]
