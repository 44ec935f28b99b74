"""Who may use the party directory: users read, admins write, other tenants see nothing."""

from __future__ import annotations

from shared.infra.runtime import Infrastructure
from tests.factories import create_ledger, create_tenant

from .gateway import gateway_client
from .party_directory_helpers import (
    ENTRIES,
    EXPORT,
    EXPORT_HEADER,
    IMPORT,
    LEDGERS,
    LOOKUP,
    admin,
    assert_problem,
    csv_body,
    entry,
    post_csv,
    stored,
    user,
)


async def test_users_read_but_do_not_write(infra: Infrastructure, tenant_id: str) -> None:
    async with gateway_client(infra) as client:
        created = await client.post(ENTRIES, json=entry(), headers=admin(infra, tenant_id))
        location = created.headers["Location"]
        reader = user(infra, tenant_id)
        for read in (
            client.get(ENTRIES, headers=reader),
            client.get(location, headers=reader),
            client.get(LOOKUP, params={"ledger": "Sharma Traders"}, headers=reader),
            client.get(EXPORT, headers=reader),
            client.get(LEDGERS, headers=reader),
        ):
            assert (await read).status_code == 200
        for write in (
            client.post(ENTRIES, json=entry("Other"), headers=reader),
            client.put(location, json=entry(to=["x@y.in"]), headers=reader),
            client.delete(location, headers=reader),
            post_csv(client, reader, csv_body("Other,,x@y.in,,")),
            # The role is checked before the upload is read or its type judged.
            client.post(IMPORT, content=b"{}", headers={**reader, "Content-Type": "text/json"}),
        ):
            assert_problem(await write, 403)
        assert (await client.get(ENTRIES)).status_code == 401
    rows = await stored(infra, tenant_id)
    assert list(rows) == ["sharma traders"]
    assert rows["sharma traders"].to_addresses == ["accounts@sharma.in"]


async def test_another_tenant_sees_nothing(infra: Infrastructure, tenant_id: str) -> None:
    other = await create_tenant(infra.uow())
    await create_ledger(infra.uow(), tenant_id, name="Sharma Traders")
    mine, theirs = admin(infra, tenant_id), admin(infra, other)
    async with gateway_client(infra) as client:
        created = await client.post(ENTRIES, json=entry(), headers=mine)
        location = created.headers["Location"]

        assert_problem(await client.get(location, headers=theirs), 404)
        assert_problem(await client.put(location, json=entry(to=["x@y.in"]), headers=theirs), 404)
        assert_problem(await client.delete(location, headers=theirs), 404)
        lookup = await client.get(LOOKUP, params={"ledger": "Sharma Traders"}, headers=theirs)
        assert_problem(lookup, 404)
        assert_problem(
            await client.get(LOOKUP, params={"party": "Sharma Group"}, headers=theirs), 404
        )
        assert (await client.get(ENTRIES, headers=theirs)).json()["items"] == []
        exported = await client.get(EXPORT, headers=theirs)
        assert exported.content.decode("utf-8-sig").strip() == EXPORT_HEADER
        assert (await client.get(LEDGERS, headers=theirs)).json()["items"] == []

        # The same ledger name is free in another tenant, and importing there touches only it.
        assert (await client.post(ENTRIES, json=entry(), headers=theirs)).status_code == 201
        imported = await post_csv(client, theirs, csv_body("Sharma Traders,,new@x.in,,"))
        assert imported.json() == {"created": 0, "updated": 1, "rejected": []}
        still = await client.get(location, headers=mine)
    assert still.json()["to"] == ["accounts@sharma.in"]
    assert (await stored(infra, other))["sharma traders"].to_addresses == ["new@x.in"]
