"""An outbox relay's round on an empty outbox costs one read and no transaction: every relay
hears every commit's NOTIFY, and most of them find the rows already published by another."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import asyncpg
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.infra.bus import OutboxRelay
from tests.conftest import make_settings


class _EmptyOutbox:
    def __init__(self) -> None:
        self.reads: list[str] = []

    async def fetchval(self, query: str, *args: Any) -> bool:
        self.reads.append(query)
        return False

    def transaction(self) -> Any:
        raise AssertionError("a transaction was opened for an empty outbox")


async def test_a_round_on_an_empty_outbox_is_one_read(tmp_path: Path) -> None:
    settings = make_settings("postgresql+asyncpg://unused/unused", tmp_path)
    redis = Redis.from_url("redis://127.0.0.1:1/0")  # never reached
    relay = OutboxRelay(cast("AsyncEngine", None), redis, settings)
    conn = _EmptyOutbox()
    assert await relay._publish_on(cast("asyncpg.Connection", conn)) == 0
    assert len(conn.reads) == 1
    await redis.aclose()
