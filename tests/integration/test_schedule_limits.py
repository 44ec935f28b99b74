"""Limits on scheduling: run now counts as a manual send, caps on how many schedules exist,
and the shortest interval between runs."""

from __future__ import annotations

import time
import uuid

import pytest
from api_gateway.http import rate_limit

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, create_ledger, token_for

from .gateway import gateway_client
from .mailing import mail_infra
from .schedules_helpers import SCHEDULES, create, fields, ledger_body

LEDGER_SEND = "/api/v1/reports/ledger/email"
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-06-30"}


@pytest.fixture(autouse=True)
def still_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """One rate-limit window for the whole test, wherever in the minute it starts."""
    now = time.time()
    monkeypatch.setattr(rate_limit, "clock", lambda: now)


async def test_run_now_counts_against_the_manual_send_rate(
    infra: Infrastructure, tenant_id: str
) -> None:
    limited = mail_infra(infra, send_rate_per_minute=3)
    ledger = await create_ledger(infra.uow(), tenant_id)
    user = auth_header(token_for(infra.settings, tenant_id, user_id=f"u-{uuid.uuid4().hex[:6]}"))
    async with gateway_client(limited) as client:
        schedule = await create(client, ledger_body(), user)
        run = f"{SCHEDULES}/{schedule['id']}/run"
        sent = await client.post(
            LEDGER_SEND, json={"ledger": ledger, **PERIOD, "to": ["p@party.in"]}, headers=user
        )
        assert sent.status_code == 202, sent.text
        first = await client.post(run, headers={**user, "Idempotency-Key": "k1"})
        assert first.status_code == 202, first.text
        # Repeating an idempotent run now returns the same run and is not counted again.
        again = await client.post(run, headers={**user, "Idempotency-Key": "k1"})
        assert again.status_code == 202 and again.json()["id"] == first.json()["id"]
        assert (await client.post(run, headers=user)).status_code == 202
        over = await client.post(run, headers=user)
        assert over.status_code == 429, over.text
        assert over.headers["content-type"] == "application/problem+json"
        assert int(over.headers["retry-after"]) >= 1
        assert over.json()["code"] == "rate_limited"
        # ... and the manual send is refused as well: one budget for both.
        blocked = await client.post(
            LEDGER_SEND, json={"ledger": ledger, **PERIOD, "to": ["p@party.in"]}, headers=user
        )
        assert blocked.status_code == 429


async def test_schedules_are_capped_per_user_and_per_tenant(
    infra: Infrastructure, tenant_id: str
) -> None:
    capped = mail_infra(infra, schedules_max_per_user=2, schedules_max_per_tenant=3)
    await create_ledger(infra.uow(), tenant_id)
    body = ledger_body()
    alice = auth_header(token_for(infra.settings, tenant_id, user_id="alice"))
    bob = auth_header(token_for(infra.settings, tenant_id, user_id="bob"))
    async with gateway_client(capped) as client:
        for _ in range(2):
            await create(client, body, alice)
        third = await client.post(SCHEDULES, json=body, headers=alice)
        assert third.status_code == 409, third.text
        assert third.json()["code"] == "schedules_per_user_limit"
        assert third.headers["content-type"] == "application/problem+json"
        await create(client, body, bob)  # the tenant's third
        over = await client.post(SCHEDULES, json=body, headers=bob)
        assert over.status_code == 409
        assert over.json()["code"] == "schedules_per_tenant_limit"
        # Deleting one makes room again.
        mine = (await client.get(SCHEDULES, headers=alice)).json()["items"]
        deleted = await client.delete(f"{SCHEDULES}/{mine[0]['id']}", headers=alice)
        assert deleted.status_code == 204
        await create(client, body, bob)


@pytest.mark.parametrize(
    ("cron", "minimum", "accepted"),
    [
        ("* * * * *", 15, False),
        ("*/5 9 * * 1", 15, False),
        ("0,50 0,23 * * *", 15, False),  # 23:50, then 00:00 the next day: 10 minutes
        ("*/15 * * * *", 15, True),
        ("*/30 * * * *", 60, False),
        ("0 9,17 * * 1-5", 60, True),
    ],
)
async def test_schedules_may_not_run_more_often_than_the_minimum_interval(
    infra: Infrastructure, tenant_id: str, cron: str, minimum: int, accepted: bool
) -> None:
    limited = mail_infra(infra, schedule_min_interval_minutes=minimum)
    await create_ledger(infra.uow(), tenant_id)
    user = auth_header(token_for(infra.settings, tenant_id))
    body = ledger_body(preset=None, cron=cron)
    async with gateway_client(limited) as client:
        response = await client.post(SCHEDULES, json=body, headers=user)
        if accepted:
            assert response.status_code == 201, response.text
            return
        assert response.status_code == 422, response.text
        assert fields(response) == ["cron"]
        assert response.json()["code"] == "schedule_too_frequent"
        # Changing an existing schedule to run too often is refused the same way.
        saved = await create(client, ledger_body(), user)
        changed = await client.put(f"{SCHEDULES}/{saved['id']}", json=body, headers=user)
        assert changed.status_code == 422 and fields(changed) == ["cron"]
