"""Finding party directory entries: search and paging, lookup, and the ledger picker."""

from __future__ import annotations

from typing import Any

import pytest

from shared.domain.party_directory import lookup_party_emails
from shared.infra.runtime import Infrastructure
from tests.factories import create_ledger

from .gateway import gateway_client
from .party_directory_helpers import ENTRIES, LEDGERS, LOOKUP, admin, assert_problem, entry, user


async def test_list_searches_and_pages_by_ledger_name(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = admin(infra, tenant_id)
    names = ["Delta Stores", "alpha traders", "Charlie 100% Co", "Bravo Traders", "echo"]
    async with gateway_client(infra) as client:
        for name in names:
            party = "Traders Union" if name == "echo" else None
            body = entry(name, party_name=party)
            assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        seen: list[str] = []
        cursor = None
        for _ in range(5):
            params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get(ENTRIES, params=params, headers=headers)).json()
            seen += [item["ledger_name"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ["alpha traders", "Bravo Traders", "Charlie 100% Co", "Delta Stores", "echo"]

        found = await client.get(ENTRIES, params={"q": "  TRADERS "}, headers=headers)
        assert [item["ledger_name"] for item in found.json()["items"]] == [
            "alpha traders",
            "Bravo Traders",
            "echo",  # by its party name
        ]
        literal = await client.get(ENTRIES, params={"q": "0%"}, headers=headers)
        assert [item["ledger_name"] for item in literal.json()["items"]] == ["Charlie 100% Co"]
        assert_problem(await client.get(ENTRIES, params={"cursor": "%%%"}, headers=headers), 422)


async def test_lookup_by_ledger_and_by_party(infra: Infrastructure, tenant_id: str) -> None:
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        for name, to in (("Sharma Traders Pune", "pune"), ("Sharma Traders Delhi", "delhi")):
            body = entry(name, party_name="Sharma Group", to=[f"{to}@sharma.in"])
            assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        reader = user(infra, tenant_id)

        by_ledger = await client.get(
            LOOKUP, params={"ledger": "sharma  traders PUNE"}, headers=reader
        )
        assert by_ledger.status_code == 200
        assert by_ledger.json()["to"] == ["pune@sharma.in"]

        # Several entries for one party: the first by ledger name.
        by_party = await client.get(LOOKUP, params={"party": "SHARMA group"}, headers=reader)
        assert by_party.json()["ledger_name"] == "Sharma Traders Delhi"

        miss = await client.get(LOOKUP, params={"ledger": "Gupta & Sons"}, headers=reader)
        assert assert_problem(miss, 404)["detail"] == "no directory entry for ledger 'Gupta & Sons'"
        assert_problem(await client.get(LOOKUP, params={"party": "Nobody"}, headers=reader), 404)
        assert_problem(await client.get(LOOKUP, headers=reader), 422)
        both = {"ledger": "Sharma Traders Pune", "party": "Sharma Group"}
        assert_problem(await client.get(LOOKUP, params=both, headers=reader), 422)
        assert_problem(await client.get(LOOKUP, params={"ledger": " "}, headers=reader), 422)

    # The shared function the mail code calls answers the same.
    async with infra.sessions() as session:
        found = await lookup_party_emails(session, tenant_id, party="Sharma Group")
        assert found is not None and found.ledger_name == "Sharma Traders Delhi"
        assert await lookup_party_emails(session, tenant_id, ledger="nobody") is None
        with pytest.raises(ValueError, match="exactly one"):
            await lookup_party_emails(session, tenant_id)


async def test_ledger_picker(infra: Infrastructure, tenant_id: str) -> None:
    for name in ("Gupta & Sons", "sharma  Brothers", "Cash"):
        await create_ledger(infra.uow(), tenant_id, name=name)
    sharma_address = ["12 Laxmi Road", "Pune 411030"]
    await create_ledger(
        infra.uow(), tenant_id, "Sharma Traders", gstin="27AAPFU0939F1ZV", address=sharma_address
    )
    headers = admin(infra, tenant_id)
    async with gateway_client(infra) as client:
        body = entry("Sharma Brothers")
        assert (await client.post(ENTRIES, json=body, headers=headers)).status_code == 201
        found = await client.get(
            LEDGERS, params={"search": "SHARMA"}, headers=user(infra, tenant_id)
        )
        everything = await client.get(LEDGERS, headers=headers)
        limited = await client.get(LEDGERS, params={"limit": 1}, headers=headers)
        assert_problem(await client.get(LEDGERS, params={"limit": 101}, headers=headers), 422)
    assert found.status_code == 200
    assert found.json()["items"] == [
        {
            "name": "sharma  Brothers",
            "group_name": "Sundry Debtors",
            "party_name": "sharma  Brothers",
            "gstin": None,
            "address": [],
            "has_directory_entry": True,
        },
        {
            "name": "Sharma Traders",
            "group_name": "Sundry Debtors",
            "party_name": "Sharma Traders",
            "gstin": "27AAPFU0939F1ZV",
            "address": sharma_address,
            "has_directory_entry": False,
        },
    ]
    names = [item["name"] for item in everything.json()["items"]]
    assert names == ["Cash", "Gupta & Sons", "sharma  Brothers", "Sharma Traders"]
    assert [item["name"] for item in limited.json()["items"]] == ["Cash"]
