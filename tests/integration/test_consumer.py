"""The stream consumer: take-over after a crash, dead letters, idempotent redelivery."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import uuid
from datetime import date
from decimal import Decimal

from export_service.bootstrap import build_worker
from sqlalchemy import select

from shared.events import DEAD_LETTER_PREFIX, Event, ExportRequested, Streams
from shared.infra.bus import OutboxRelay, StreamConsumer, Subscription
from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump, wait_until
from tests.factories import create_ledger, queue_ledger_export

from .bus_worker import HOLDING_KEY


async def _announce(infra: Infrastructure, event: Event) -> None:
    async with infra.uow() as uow:
        uow.publish(event)
        await uow.commit()


async def test_message_held_by_a_killed_worker_is_taken_over(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    settings = infra.settings
    event = ExportRequested(tenant_id=tenant_id, job_id=uuid.uuid4())
    env = {
        **os.environ,
        "APP_ENV": "development",
        "REDIS_URL": settings.redis_url,
        "BUS_STREAM_PREFIX": settings.bus_stream_prefix,
        "BUS_BLOCK_MS": "100",
    }
    worker = subprocess.Popen([sys.executable, "-m", "tests.integration.bus_worker"], env=env)
    try:
        await _announce(infra, event)
        await pump()  # relays the event; no consumer in this process yet

        async def held() -> bool:
            return (
                await infra.redis.get(settings.stream(HOLDING_KEY)) == str(event.event_id).encode()
            )

        await wait_until(held, what="the worker to take the message")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()

    handled: list[uuid.UUID] = []

    async def finish(e: ExportRequested) -> None:
        handled.append(e.event_id)

    survivor = StreamConsumer(
        infra.redis,
        settings.model_copy(update={"bus_claim_idle_ms": 300}),
        group="takeover-test",
        consumer="survivor",
        subscriptions=[Subscription(Streams.EXPORT_REQUESTED, finish)],
    )

    async def taken_over() -> bool:
        return await survivor.drain() > 0

    await wait_until(taken_over, what="the survivor to claim the idle message")
    assert handled == [event.event_id]
    pending = await infra.redis.xpending(settings.stream(Streams.EXPORT_REQUESTED), "takeover-test")
    assert pending["pending"] == 0


async def test_always_failing_handler_ends_in_dead_letter_stream_and_gives_up(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    settings = infra.settings  # bus_max_deliveries=3, claim idle 0 (see conftest)
    attempts: list[uuid.UUID] = []
    gave_up: list[tuple[uuid.UUID, str]] = []

    async def always_fails(e: ExportRequested) -> None:
        attempts.append(e.event_id)
        raise RuntimeError("renderer exploded")

    async def give_up(e: ExportRequested, reason: str) -> None:
        gave_up.append((e.event_id, reason))

    consumer = StreamConsumer(
        infra.redis,
        settings,
        group="dlq-test",
        consumer="c1",
        subscriptions=[Subscription(Streams.EXPORT_REQUESTED, always_fails, give_up)],
    )
    event = ExportRequested(tenant_id=tenant_id, job_id=uuid.uuid4())
    await _announce(infra, event)
    await pump(consumer)

    assert attempts == [event.event_id] * settings.bus_max_deliveries
    assert gave_up == [(event.event_id, "gave up after 3 failed deliveries")]
    dead = await infra.redis.xrange(settings.stream(DEAD_LETTER_PREFIX + Streams.EXPORT_REQUESTED))
    assert len(dead) == 1
    assert json.loads(dead[0][1][b"data"])["event_id"] == str(event.event_id)
    assert dead[0][1][b"reason"] == b"gave up after 3 failed deliveries"
    pending = await infra.redis.xpending(settings.stream(Streams.EXPORT_REQUESTED), "dlq-test")
    assert pending["pending"] == 0


async def test_duplicate_delivery_does_not_repeat_the_export(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(
        infra.uow(), tenant_id, entries=[(date(2025, 5, 1), Decimal("500.00"), Decimal("0"))]
    )
    job = await queue_ledger_export(infra.uow(), tenant_id, ledger, to_date="2026-03-31")
    await _announce(infra, ExportRequested(tenant_id=tenant_id, job_id=job.id))  # the duplicate
    worker, _ = build_worker(infra)

    assert await pump(worker.consumer()) >= 4  # two relayed, two handled

    async with infra.sessions() as session:
        done = await session.scalar(select(ExportJob).where(ExportJob.id == job.id))
    assert done is not None
    assert done.status == "succeeded"
    assert done.attempts == 1
    files = list(infra.settings.export_dir.rglob("*.csv"))
    assert len(files) == 1


async def test_a_stream_deleted_under_a_blocked_read_is_recreated_and_consumed(
    infra: Infrastructure, tenant_id: str
) -> None:
    """A FLUSHALL (here: the stream deleted) while the consumer blocks in XREADGROUP answers
    "UNBLOCKED the stream key no longer exists": the consumer recreates its group and goes on
    instead of stopping the worker."""
    settings = infra.settings.model_copy(update={"bus_block_ms": 30000})
    seen: list[uuid.UUID] = []

    async def handle(e: ExportRequested) -> None:
        seen.append(e.event_id)

    consumer = StreamConsumer(
        infra.redis,
        settings,
        group="unblocked-test",
        consumer="c1",
        subscriptions=[Subscription(Streams.EXPORT_REQUESTED, handle)],
    )
    stop = asyncio.Event()
    running = asyncio.create_task(consumer.run(stop))

    async def blocked_in_xreadgroup() -> bool:
        db = str(infra.redis.get_connection_kwargs().get("db", 0))
        clients = await infra.redis.client_list()
        return any(c.get("cmd") == "xreadgroup" and c.get("db") == db for c in clients)

    await wait_until(blocked_in_xreadgroup, what="the consumer blocking on its stream")
    await infra.redis.delete(settings.stream(Streams.EXPORT_REQUESTED))
    event = ExportRequested(tenant_id=tenant_id, job_id=uuid.uuid4())

    async def consumed_after_the_flush() -> bool:
        assert not running.done(), running.exception()
        stream = settings.stream(Streams.EXPORT_REQUESTED)
        if await infra.redis.exists(stream) and not await infra.redis.xlen(stream):
            await _announce(infra, event)  # the group is back (with its stream): publish
            await OutboxRelay(infra.engine, infra.redis, settings).publish_pending()
        return seen == [event.event_id]

    try:
        await wait_until(consumed_after_the_flush, what="the event published after the flush")
    finally:
        stop.set()
        await running
