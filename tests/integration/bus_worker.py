"""A worker process for the take-over test: it takes a message, says so, then hangs forever.

Run as `python -m tests.integration.bus_worker`; settings come from the environment. The test
SIGKILLs it while it holds the message, as a crashed or OOM-killed worker would be.
"""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis

from shared.events import ExportRequested, Streams
from shared.infra.bus import StreamConsumer, Subscription
from shared.infra.settings import Settings

HOLDING_KEY = "holding"  # prefixed with the stream prefix; holds the event id in hand


async def main() -> None:
    settings = Settings()
    redis = Redis.from_url(settings.redis_url)

    async def hold_forever(event: ExportRequested) -> None:
        await redis.set(settings.stream(HOLDING_KEY), str(event.event_id))
        await asyncio.Event().wait()

    consumer = StreamConsumer(
        redis,
        settings,
        group="takeover-test",
        consumer="doomed-worker",
        subscriptions=[Subscription(Streams.EXPORT_REQUESTED, hold_forever)],
    )
    await consumer.run(asyncio.Event())


if __name__ == "__main__":
    asyncio.run(main())
