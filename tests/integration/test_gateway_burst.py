"""Under a burst the gateway answers 2xx, 429 or 503 with Retry-After: never a 500 from an
exhausted pool. Pools are bounded and waited on (settings), and a wait that runs out is a 503.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from api_gateway.app import create_app
from sqlalchemy import delete

from shared.infra.db.models import Email, ExportJob, OutboxMessage
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from tests.factories import auth_header, create_ledger, token_for

CLIENTS = 500
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-06-30"}


async def connected(settings: Settings, **updates: Any) -> Infrastructure:
    return await Infrastructure.connect(settings.model_copy(update=updates))


def client_for(infra: Infrastructure) -> httpx.AsyncClient:
    # A server answers 500 for an unhandled error; so does this client, rather than raise.
    transport = httpx.ASGITransport(
        app=create_app(infra.settings, infra=infra), raise_app_exceptions=False
    )
    return httpx.AsyncClient(transport=transport, base_url="http://gateway", timeout=120)


@pytest.fixture
async def own_infra(settings: Settings) -> AsyncIterator[list[Infrastructure]]:
    opened: list[Infrastructure] = []
    yield opened
    for infra in opened:
        await infra.close()


async def test_a_burst_of_exports_and_emails_gets_no_5xx(
    infra: Infrastructure,
    tenant_id: str,
    own_infra: list[Infrastructure],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The settings' defaults for every pool: the burst meets them as production would.
    gateway = await connected(infra.settings)
    own_infra.append(gateway)
    ledger = await create_ledger(gateway.uow(), tenant_id)
    export = {"report": "ledger", "format": "csv", "params": {"ledger": ledger, **PERIOD}}
    email = {"ledger": ledger, **PERIOD, "format": "csv", "to": ["p@party.in"]}
    # One user per client: the send rate limit is per user, so every request does full work.
    users = [auth_header(token_for(gateway.settings, tenant_id)) for _ in range(CLIENTS)]
    try:
        statuses, latencies, elapsed = await _burst(gateway, users, export, email)
    finally:
        await _forget_the_work(gateway, tenant_id)
    p50, p99 = latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99) - 1]
    with capsys.disabled():
        print(
            f"\nburst: {CLIENTS} concurrent clients (exports + report emails) in {elapsed:.1f} s;"
            f" statuses {dict(sorted(statuses.items()))}; p50 {p50 * 1000:.0f} ms,"
            f" p99 {p99 * 1000:.0f} ms"
        )
    assert not [s for s in statuses if s >= 500], statuses
    assert set(statuses) <= {201, 202, 429}, statuses


async def _burst(
    gateway: Infrastructure,
    users: list[dict[str, str]],
    export: dict[str, Any],
    email: dict[str, Any],
) -> tuple[Counter[int], list[float], float]:
    """Every client's status and latency (sorted), and the burst's length in seconds."""
    start = asyncio.Event()

    async def one(client: httpx.AsyncClient, n: int) -> tuple[int, float]:
        await start.wait()
        began = time.perf_counter()
        if n % 2:
            response = await client.post("/api/v1/exports/jobs", json=export, headers=users[n])
        else:
            response = await client.post(
                "/api/v1/reports/ledger/email", json=email, headers=users[n]
            )
        return response.status_code, time.perf_counter() - began

    async with client_for(gateway) as client:
        # A server that has been up a while: the tenant check is cached, so nothing queues
        # the burst on the database before it reaches the rate limiter's Redis pool.
        warm = await client.get("/api/v1/exports/jobs", headers=users[0])
        assert warm.status_code == 200
        tasks = [asyncio.create_task(one(client, n)) for n in range(CLIENTS)]
        await asyncio.sleep(0)  # every client is waiting at the start line
        began = time.perf_counter()
        start.set()
        results = await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - began
    statuses = Counter(status for status, _ in results)
    return statuses, sorted(seconds for _, seconds in results), elapsed


async def _forget_the_work(infra: Infrastructure, tenant_id: str) -> None:
    """Remove the burst's emails, jobs and events: no worker runs here, and later tests'
    reconcile sweeps (which see every tenant) must not find 500 rows looking abandoned."""
    async with infra.uow() as uow:
        await uow.session.execute(delete(Email).where(Email.tenant_id == tenant_id))
        await uow.session.execute(delete(ExportJob).where(ExportJob.tenant_id == tenant_id))
        prefix = infra.settings.bus_stream_prefix
        await uow.session.execute(
            delete(OutboxMessage).where(OutboxMessage.stream.startswith(prefix, autoescape=True))
        )
        await uow.commit()


async def test_a_database_pool_that_stays_busy_is_a_503_with_retry_after(
    infra: Infrastructure, tenant_id: str, own_infra: list[Infrastructure]
) -> None:
    gateway = await connected(
        infra.settings, database_pool_size=1, database_pool_timeout_seconds=0.2
    )
    own_infra.append(gateway)
    user = auth_header(token_for(gateway.settings, tenant_id))
    # Hold every connection of the pool (its one, and its one overflow).
    held = [await gateway.engine.connect() for _ in range(2)]
    try:
        async with client_for(gateway) as client:
            response = await client.get("/api/v1/exports/jobs", headers=user)
    finally:
        for conn in held:
            await conn.close()
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == str(gateway.settings.gateway_busy_retry_after_seconds)
    assert response.json()["code"] == "busy"


async def test_a_redis_pool_that_stays_busy_is_a_503_with_retry_after(
    infra: Infrastructure, tenant_id: str, own_infra: list[Infrastructure]
) -> None:
    gateway = await connected(
        infra.settings, redis_max_connections=2, redis_pool_timeout_seconds=0.2
    )
    own_infra.append(gateway)
    ledger = await create_ledger(gateway.uow(), tenant_id)
    user = auth_header(token_for(gateway.settings, tenant_id))
    pool = gateway.redis.connection_pool
    held = [await pool.get_connection() for _ in range(2)]
    try:
        async with client_for(gateway) as client:
            response = await client.post(
                "/api/v1/reports/ledger/email",
                json={"ledger": ledger, **PERIOD, "to": ["p@party.in"]},
                headers=user,
            )
    finally:
        for conn in held:
            await pool.release(conn)
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["code"] == "busy"
