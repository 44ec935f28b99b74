"""The transactional outbox and its relay, against real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, select, text

from shared.events import ExportRequested, Streams
from shared.infra.bus import OutboxRelay
from shared.infra.bus.relay import RELAY_APPLICATION_NAME
from shared.infra.db import UnitOfWork
from shared.infra.db.models import OutboxMessage
from shared.infra.runtime import Infrastructure
from tests.conftest import wait_until


async def _stream_event_ids(infra: Infrastructure) -> list[str]:
    entries = await infra.redis.xrange(infra.settings.stream(Streams.EXPORT_REQUESTED))
    return [json.loads(fields[b"data"])["event_id"] for _, fields in entries]


async def _publish_events(
    infra: Infrastructure, tenant_id: str, count: int, *, bulk: bool = False
) -> list[str]:
    events = [ExportRequested(tenant_id=tenant_id, job_id=uuid.uuid4()) for _ in range(count)]
    async with infra.uow() as uow:
        if bulk:  # one statement for all of them, as the scheduler's ticker records a burst
            await uow.publish_all(events)
        else:
            for event in events:
                uow.publish(event)
        await uow.commit()
    return [str(e.event_id) for e in events]


async def test_event_in_rolled_back_transaction_is_never_published(
    infra: Infrastructure, tenant_id: str
) -> None:
    async with infra.uow() as uow:
        uow.publish(ExportRequested(tenant_id=tenant_id, job_id=uuid.uuid4()))
        await uow.session.flush()  # the row reached the database, inside the transaction
        # leaving the block without commit rolls back

    await OutboxRelay(infra.engine, infra.redis, infra.settings).publish_pending()

    assert await _stream_event_ids(infra) == []
    async with infra.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_committed_event_is_published_once(infra: Infrastructure, tenant_id: str) -> None:
    [event_id] = await _publish_events(infra, tenant_id, 1)

    relay = OutboxRelay(infra.engine, infra.redis, infra.settings)
    assert await relay.publish_pending() >= 1  # other tests' leftovers may ride along
    assert await relay.publish_pending() == 0

    assert await _stream_event_ids(infra) == [event_id]
    async with infra.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


class _RelayKilledMidBatch(OutboxRelay):
    """Publishes part of a batch to Redis, then dies before the outbox rows are deleted."""

    async def _publish_rows(self, rows: Sequence[Any]) -> None:
        await super()._publish_rows(rows[: len(rows) // 2])
        raise RuntimeError("relay killed mid-batch")


async def test_relay_restarted_mid_batch_publishes_each_event_once(
    infra: Infrastructure, tenant_id: str
) -> None:
    await OutboxRelay(infra.engine, infra.redis, infra.settings).publish_pending()  # leftovers
    event_ids = await _publish_events(infra, tenant_id, 10)

    with pytest.raises(RuntimeError, match="killed"):
        await _RelayKilledMidBatch(infra.engine, infra.redis, infra.settings).publish_pending()
    assert len(await _stream_event_ids(infra)) == 5  # half went out before the crash

    restarted = OutboxRelay(infra.engine, infra.redis, infra.settings)
    await restarted.publish_pending()

    assert sorted(await _stream_event_ids(infra)) == sorted(event_ids)


async def test_events_recorded_together_are_published_in_order_once(
    infra: Infrastructure, tenant_id: str
) -> None:
    relay = OutboxRelay(infra.engine, infra.redis, infra.settings)
    await relay.publish_pending()  # other tests' leftovers
    event_ids = await _publish_events(infra, tenant_id, 250, bulk=True)

    await relay.publish_pending()

    assert await _stream_event_ids(infra) == event_ids


@pytest.mark.parametrize("bulk", [False, True], ids=["publish", "publish_all"])
async def test_relay_wakes_on_notify(infra: Infrastructure, tenant_id: str, bulk: bool) -> None:
    """The running relay is woken by the commit's NOTIFY, long before its polling interval."""
    slow_poll = infra.settings.model_copy(update={"outbox_poll_seconds": 60.0})
    relay = OutboxRelay(infra.engine, infra.redis, slow_poll)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await wait_until(lambda: _listening(infra), what="relay to LISTEN")
        [event_id] = await _publish_events(infra, tenant_id, 1, bulk=bulk)

        async def published() -> bool:
            return await _stream_event_ids(infra) == [event_id]

        await wait_until(published, timeout=10, what="the event to be relayed")
    finally:
        stop.set()
        await task


async def test_relay_listens_again_after_postgres_drops_the_connection(
    infra: Infrastructure, tenant_id: str
) -> None:
    """A terminated LISTEN session is replaced, so wake-ups still beat the polling interval."""
    slow_poll = infra.settings.model_copy(update={"outbox_poll_seconds": 60.0})
    relay = OutboxRelay(infra.engine, infra.redis, slow_poll)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await wait_until(lambda: _listening(infra), what="relay to LISTEN")
        [first_pid] = await _listener_pids(infra)
        async with infra.engine.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first_pid})

        async def listening_again() -> bool:
            pids = await _listener_pids(infra)
            return bool(pids) and first_pid not in pids

        await wait_until(listening_again, timeout=10, what="relay to LISTEN again")
        [event_id] = await _publish_events(infra, tenant_id, 1)

        async def published() -> bool:
            return event_id in await _stream_event_ids(infra)

        await wait_until(published, timeout=10, what="the event to be relayed")
    finally:
        stop.set()
        await task


async def _listener_pids(infra: Infrastructure) -> list[int]:
    async with infra.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :name "
                "AND query <> ''"  # its first statement is the LISTEN
            ),
            {"name": RELAY_APPLICATION_NAME},
        )
        return [row.pid for row in rows]


async def _listening(infra: Infrastructure) -> bool:
    """Whether some session of this database is LISTENing on the outbox channel (the relay's
    session is named: it also runs the relay's rounds, so its last query is not the LISTEN)."""
    async with infra.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = :name "
                "AND query <> ''"  # its first statement is the LISTEN
            ),
            {"name": RELAY_APPLICATION_NAME},
        )
        return bool(rows.scalar())


@pytest.mark.parametrize("own", [True, False], ids=["own commit", "another process's"])
async def test_own_commits_go_at_once_and_another_processs_after_the_peer_delay(
    infra: Infrastructure, tenant_id: str, own: bool
) -> None:
    """A relay told of its own process's commits publishes them at once, where a NOTIFY from
    another process waits `outbox_peer_delay_seconds` (that process's relay goes first)."""
    delay = 60.0 if own else 0.3  # an own commit must not wait for it
    slow = infra.settings.model_copy(
        update={"outbox_poll_seconds": 60.0, "outbox_peer_delay_seconds": delay}
    )
    relay = OutboxRelay(infra.engine, infra.redis, slow, infra.events_committed)
    stop = asyncio.Event()
    task = asyncio.create_task(relay.run(stop))
    try:
        await wait_until(lambda: _listening(infra), what="relay to LISTEN")
        if own:
            [event_id] = await _publish_events(infra, tenant_id, 1)
        else:  # a unit of work not wired to this relay: another process's
            event = ExportRequested(tenant_id=tenant_id, job_id=uuid.uuid4())
            async with UnitOfWork(infra.sessions, infra.settings.bus_stream_prefix) as uow:
                uow.publish(event)
                await uow.commit()
            event_id = str(event.event_id)

        async def published() -> bool:
            return event_id in await _stream_event_ids(infra)

        await wait_until(published, timeout=10, what="the event to be relayed")
    finally:
        stop.set()
        await task
