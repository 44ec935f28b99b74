"""A running consumer looks for messages to take over every half of `bus_claim_idle_ms`, not
before every read (a round trip per stream each time); burst mode (drain) looks every time."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from redis.asyncio import Redis

from shared.infra.bus import StreamConsumer, Subscription
from tests.conftest import make_settings


class _QuietRedis:
    def __init__(self) -> None:
        self.claims = 0
        self.reads = 0

    async def xautoclaim(self, *args: Any, **kwargs: Any) -> list[Any]:
        self.claims += 1
        return ["0-0", [], []]

    async def xreadgroup(self, *args: Any, **kwargs: Any) -> list[Any]:
        self.reads += 1
        return []


async def _nothing(event: Any) -> None:
    return None


def _consumer(redis: _QuietRedis, tmp_path: Path, idle_ms: int) -> StreamConsumer:
    settings = make_settings(
        "postgresql+asyncpg://unused/unused", tmp_path, bus_claim_idle_ms=idle_ms
    )
    subscriptions = [
        Subscription("export.finished", _nothing),
        Subscription("email.finished", _nothing),
    ]
    return StreamConsumer(
        cast("Redis", redis), settings, group="g", consumer="c", subscriptions=subscriptions
    )


async def test_a_running_consumer_looks_for_idle_messages_once_per_half_idle_time(
    tmp_path: Path,
) -> None:
    redis = _QuietRedis()
    consumer = _consumer(redis, tmp_path, idle_ms=60_000)
    for _ in range(3):
        await consumer._step(block_ms=10, stop=None)
    assert (redis.claims, redis.reads) == (2, 3)  # one round over the two streams


async def test_burst_mode_and_a_zero_idle_time_look_every_time(tmp_path: Path) -> None:
    redis = _QuietRedis()
    draining = _consumer(redis, tmp_path, idle_ms=60_000)
    for _ in range(2):
        await draining._step(block_ms=None, stop=None)
    consumer = _consumer(redis, tmp_path, idle_ms=0)
    for _ in range(2):
        await consumer._step(block_ms=10, stop=None)
    assert redis.claims == 8
