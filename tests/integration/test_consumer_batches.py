"""The stream consumer's batch path: one read to `handle_batch`, one by one when it fails."""

from __future__ import annotations

import json
import uuid
from typing import Any

from shared.events import ExportRequested, Streams
from shared.infra.bus import StreamConsumer, Subscription
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from tests.conftest import Pump

GROUP = "batch-test"


class Recorder:
    """Handlers that note what reached them: `handle_batch` raises if `batch_fails`, `handle`
    for the event ids in `failing`."""

    def __init__(
        self, *, batch_fails: bool = False, failing: frozenset[uuid.UUID] = frozenset()
    ) -> None:
        self.batches: list[list[uuid.UUID]] = []
        self.singles: list[uuid.UUID] = []
        self._batch_fails = batch_fails
        self._failing = failing

    async def handle(self, event: ExportRequested) -> None:
        self.singles.append(event.event_id)
        if event.event_id in self._failing:
            raise RuntimeError("this one cannot be handled")

    async def handle_batch(self, events: list[ExportRequested]) -> None:
        self.batches.append([e.event_id for e in events])
        if self._batch_fails:
            raise RuntimeError("the batch handler exploded")

    def consumer(self, infra: Infrastructure, settings: Settings | None = None) -> StreamConsumer:
        return StreamConsumer(
            infra.redis,
            settings or infra.settings,
            group=GROUP,
            consumer="c1",
            subscriptions=[
                Subscription(Streams.EXPORT_REQUESTED, self.handle, handle_batch=self.handle_batch)
            ],
        )


async def _published(
    infra: Infrastructure, tenant_id: str, pump: Pump, count: int
) -> list[uuid.UUID]:
    """`count` events committed in one transaction and relayed to the stream (not consumed)."""
    events = [ExportRequested(tenant_id=tenant_id, job_id=uuid.uuid4()) for _ in range(count)]
    async with infra.uow() as uow:
        for event in events:
            uow.publish(event)
        await uow.commit()
    await pump()  # relays only: no consumer yet
    return [e.event_id for e in events]


async def _pending(infra: Infrastructure, settings: Settings) -> list[str]:
    """The ids of the group's messages delivered but not acked."""
    key = settings.stream(Streams.EXPORT_REQUESTED)
    entries: Any = await infra.redis.xpending_range(key, GROUP, min="-", max="+", count=100)
    return [e["message_id"].decode() for e in entries]


async def _stream_ids(infra: Infrastructure) -> dict[uuid.UUID, str]:
    """Each event id in the stream with its entry id."""
    entries: Any = await infra.redis.xrange(infra.settings.stream(Streams.EXPORT_REQUESTED))
    return {uuid.UUID(json.loads(f[b"data"])["event_id"]): mid.decode() for mid, f in entries}


async def test_events_read_together_reach_the_batch_handler_in_one_call(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    event_ids = await _published(infra, tenant_id, pump, 4)
    recorder = Recorder()
    consumer = recorder.consumer(infra)

    assert await consumer.drain() == 4
    assert recorder.batches == [event_ids]
    assert recorder.singles == []
    assert await _pending(infra, infra.settings) == []


async def test_a_read_holds_at_most_the_batch_size(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    event_ids = await _published(infra, tenant_id, pump, 5)
    recorder = Recorder()
    consumer = recorder.consumer(infra, infra.settings.model_copy(update={"bus_batch_size": 3}))

    assert await consumer.drain() == 5
    assert recorder.batches == [event_ids[:3], event_ids[3:]]
    assert recorder.singles == []


async def test_when_the_batch_handler_raises_each_event_is_handled_alone_and_acked(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    event_ids = await _published(infra, tenant_id, pump, 3)
    recorder = Recorder(batch_fails=True)
    consumer = recorder.consumer(infra)

    assert await consumer.drain() == 3
    assert recorder.batches == [event_ids]
    assert recorder.singles == event_ids
    assert await _pending(infra, infra.settings) == []


async def test_only_the_event_whose_own_handling_fails_stays_pending(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    event_ids = await _published(infra, tenant_id, pump, 4)
    bad = event_ids[2]
    recorder = Recorder(batch_fails=True, failing=frozenset({bad}))
    # A long idle time: the failed message is not taken over again within this drain.
    patient = infra.settings.model_copy(update={"bus_claim_idle_ms": 60_000})
    consumer = recorder.consumer(infra, patient)

    assert await consumer.drain() == 4
    assert recorder.batches == [event_ids]
    assert recorder.singles == event_ids
    stream_ids = await _stream_ids(infra)
    assert await _pending(infra, patient) == [stream_ids[bad]]
    summary: Any = await infra.redis.xpending(patient.stream(Streams.EXPORT_REQUESTED), GROUP)
    assert summary["pending"] == 1


async def test_a_failed_event_redelivered_alone_goes_to_the_single_handler(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    event_ids = await _published(infra, tenant_id, pump, 3)
    first = Recorder(batch_fails=True, failing=frozenset({event_ids[0]}))
    patient = infra.settings.model_copy(update={"bus_claim_idle_ms": 60_000})
    await first.consumer(infra, patient).drain()

    retry = Recorder()  # claims idle messages at once (conftest: bus_claim_idle_ms=0)
    assert await retry.consumer(infra).drain() == 1
    assert retry.singles == [event_ids[0]]
    assert retry.batches == []
    assert await _pending(infra, infra.settings) == []


async def test_a_single_event_read_alone_goes_to_the_single_handler(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    [event_id] = await _published(infra, tenant_id, pump, 1)
    recorder = Recorder()
    consumer = recorder.consumer(infra)

    assert await consumer.drain() == 1
    assert recorder.singles == [event_id]
    assert recorder.batches == []
    assert await _pending(infra, infra.settings) == []
