"""The gateway while PostgreSQL or Redis is away (a restart, a failover): 503 with Retry-After
for what needs PostgreSQL, and a rate limit that lets requests through while Redis is away
(found by the fault campaign: both answered 500)."""

from __future__ import annotations

import dataclasses
import socket

from api_gateway.http.rate_limit import enforce_rate_limit
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import create_async_engine

from shared.infra.db import create_session_factory
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from tests.factories import auth_header, token_for

from .gateway import gateway_client


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_a_request_that_needs_postgres_while_it_is_away_gets_503(
    infra: Infrastructure, settings: Settings, tenant_id: str
) -> None:
    away = f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/gone"
    engine = create_async_engine(away)
    cut_off = dataclasses.replace(infra, engine=engine, sessions=create_session_factory(engine))
    try:
        async with gateway_client(cut_off) as client:
            response = await client.get(
                "/api/v1/exports/jobs", headers=auth_header(token_for(settings, tenant_id))
            )
    finally:
        await engine.dispose()
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "2"
    assert response.headers["content-type"] == "application/problem+json"


async def test_the_rate_limit_lets_requests_through_while_redis_is_away() -> None:
    redis = Redis.from_url(f"redis://127.0.0.1:{_closed_port()}/0")
    try:
        await enforce_rate_limit(redis, "", "email", "t-1", "u-1", per_minute=1)
        await enforce_rate_limit(redis, "", "email", "t-1", "u-1", per_minute=1)
    finally:
        await redis.aclose()
