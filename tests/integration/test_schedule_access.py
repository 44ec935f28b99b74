"""Who may see and manage a schedule: owners, admins, and other tenants."""

from __future__ import annotations

import httpx

from shared.infra.runtime import Infrastructure
from tests.factories import create_tenant

from .gateway import gateway_client
from .schedules_helpers import (
    RUNS,
    SCHEDULES,
    Headers,
    create,
    headers,
    outstanding_body,
    run_count,
)


async def test_users_see_their_own_and_admins_the_tenants(
    infra: Infrastructure, tenant_id: str
) -> None:
    owner, colleague = headers(infra, tenant_id), headers(infra, tenant_id)
    admin = headers(infra, tenant_id, "admin")
    async with gateway_client(infra) as client:
        mine = await create(client, outstanding_body(name="Mine"), owner)
        theirs = await create(client, outstanding_body(name="Theirs"), colleague)
        admins = await create(client, outstanding_body(name="Admin's"), admin)
        run = (await client.post(f"{SCHEDULES}/{mine['id']}/run", headers=owner)).json()

        own_list = (await client.get(SCHEDULES, headers=owner)).json()["items"]
        assert [item["id"] for item in own_list] == [mine["id"]]
        everything = (await client.get(SCHEDULES, headers=admin)).json()["items"]
        assert [item["id"] for item in everything] == [admins["id"], theirs["id"], mine["id"]]
        paged = (await client.get(SCHEDULES, params={"limit": 2}, headers=admin)).json()
        rest = await client.get(
            SCHEDULES, params={"limit": 2, "cursor": paged["next_cursor"]}, headers=admin
        )
        assert [item["id"] for item in rest.json()["items"]] == [mine["id"]]

        assert await _statuses(client, mine["id"], run["id"], colleague) == {404}
        # An admin manages anyone's schedule; the owner stays who it was.
        assert (await client.get(f"{RUNS}/{run['id']}", headers=admin)).status_code == 200
        replaced = await client.put(
            f"{SCHEDULES}/{mine['id']}", json=outstanding_body(name="Renamed"), headers=admin
        )
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["owner"] == mine["owner"]
        paused = await client.post(f"{SCHEDULES}/{mine['id']}/pause", headers=admin)
        assert paused.json()["paused_reason"].startswith("paused by admin-")


async def test_another_tenant_gets_404_everywhere(infra: Infrastructure, tenant_id: str) -> None:
    owner = headers(infra, tenant_id)
    stranger = headers(infra, await create_tenant(infra.uow()), "admin")
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), owner)
        run = (await client.post(f"{SCHEDULES}/{created['id']}/run", headers=owner)).json()
        assert await _statuses(client, created["id"], run["id"], stranger) == {404}
        assert (await client.get(SCHEDULES, headers=stranger)).json()["items"] == []
        unauthenticated = await client.get(SCHEDULES)
        still_there = await client.get(f"{SCHEDULES}/{created['id']}", headers=owner)
    assert unauthenticated.status_code == 401
    assert still_there.json()["enabled"] is True
    assert await run_count(infra, created["id"]) == 1


async def _statuses(
    client: httpx.AsyncClient, schedule_id: str, run_id: str, who: Headers
) -> set[int]:
    """The status of every endpoint on a schedule and its run, for one caller."""
    path = f"{SCHEDULES}/{schedule_id}"
    calls = [
        client.get(path, headers=who),
        client.put(path, json=outstanding_body(), headers=who),
        client.get(f"{path}/preview", headers=who),
        client.post(f"{path}/pause", headers=who),
        client.post(f"{path}/resume", headers=who),
        client.post(f"{path}/run", headers=who),
        client.get(f"{path}/runs", headers=who),
        client.get(f"{RUNS}/{run_id}", headers=who),
        client.delete(path, headers=who),
    ]
    return {(await call).status_code for call in calls}
