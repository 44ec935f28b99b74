"""The stream consumer: consumer groups, ack after commit, take-over, dead letters.

Each service reads its streams with `XREADGROUP` in a group named after the service and acks
a message only after its handler returned (the handler commits its own transaction). A failed
handler leaves the message pending; `XAUTOCLAIM` hands it to any consumer once it has been
idle for `bus_claim_idle_ms`, which also rescues messages held by a crashed worker. After
`bus_max_deliveries` deliveries the message moves to `dead.<stream>` and the subscription's
give-up hook marks the row failed with a readable reason: nothing loops forever.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared.correlation import correlated
from shared.events import DEAD_LETTER_PREFIX, Event, decode_event
from shared.infra import metrics
from shared.infra.settings import Settings

log = logging.getLogger(__name__)

Handler = Callable[[Any], Awaitable[None]]
BatchHandler = Callable[[list[Any]], Awaitable[None]]
GiveUp = Callable[[Any, str], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A logical stream, the handler for its events, and what to do when delivery gives up.

    `handle_batch`, when given, receives every event of one read at once (up to
    `bus_batch_size`), so a handler can share its database round trips between them. If it
    raises, each event is handed to `handle` on its own: one bad event cannot hold back its
    neighbours, and only that one goes on to be retried and, in the end, dead-lettered.
    """

    stream: str
    handle: Handler
    give_up: GiveUp | None = None
    handle_batch: BatchHandler | None = None


@dataclass(frozen=True)
class _Message:
    subscription: Subscription
    key: str
    id: str
    fields: dict[str, str]
    deliveries: int


class StreamConsumer:
    def __init__(
        self,
        redis: Redis,
        settings: Settings,
        *,
        group: str,
        consumer: str,
        subscriptions: list[Subscription],
    ) -> None:
        self._redis = redis
        self._settings = settings
        self.group = group
        self.consumer = consumer
        self._subs = {settings.stream(s.stream): s for s in subscriptions}
        self._claim_cursor = dict.fromkeys(self._subs, "0-0")
        # When (monotonic) the next XAUTOCLAIM round is due while running: a message can be
        # taken over only once idle for `bus_claim_idle_ms`, so looking every half of that
        # finds it within 1.5 times the idle time, where looking before every read cost a
        # round trip per stream per read. Burst mode (drain) looks every time.
        self._next_claim = 0.0
        self._stopping = False

    async def ensure_groups(self) -> None:
        """Create each stream's group (and the stream) when missing; start from the beginning
        so events published before the first start are not skipped."""
        for key in self._subs:
            try:
                await self._redis.xgroup_create(key, self.group, id="0", mkstream=True)
            except ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise

    async def run(self, stop: asyncio.Event) -> None:
        """Consume until `stop` is set; the message in hand is finished first."""
        await self.ensure_groups()
        while not stop.is_set():
            try:
                await self._step(block_ms=self._settings.bus_block_ms, stop=stop)
            except ResponseError as exc:
                # NOGROUP: the group is gone (Redis restarted without its data). UNBLOCKED: the
                # stream was deleted under our blocking read (a FLUSHALL): the same recovery.
                if "NOGROUP" not in str(exc) and "UNBLOCKED" not in str(exc):
                    raise
                log.warning("consumer group vanished (Redis restarted or flushed?); recreating")
                await self.ensure_groups()
            except (ConnectionError, OSError, RedisConnectionError, RedisTimeoutError) as exc:
                log.warning("Redis unavailable (%s); retrying", exc)
                await asyncio.wait([asyncio.create_task(stop.wait())], timeout=1.0)

    async def drain(self) -> int:
        """Burst mode for tests and one-shot jobs: handle everything available, then return."""
        await self.ensure_groups()
        total = 0
        while handled := await self._step(block_ms=None, stop=None):
            total += handled
        return total

    async def _step(self, block_ms: int | None, stop: asyncio.Event | None) -> int:
        messages = []
        if block_ms is None or time.monotonic() >= self._next_claim:
            messages = await self._claim_idle()
        if not messages:
            messages = await self._read_new(block_ms)
        handled = 0
        for group in _by_subscription(messages):
            if stop is not None and stop.is_set():
                # Not handled yet: left pending, a peer takes them over after the idle time.
                return handled
            if group[0].subscription.handle_batch is not None and len(group) > 1:
                await self._process_batch(group)
                handled += len(group)
                continue
            for message in group:
                if stop is not None and stop.is_set():
                    return handled
                await self._process(message)
                handled += 1
        return handled

    async def _read_new(self, block_ms: int | None) -> list[_Message]:
        response: Any = await self._redis.xreadgroup(
            self.group,
            self.consumer,
            dict.fromkeys(self._subs, ">"),
            count=self._settings.bus_batch_size,
            block=block_ms,
        )
        return [
            _Message(self._subs[_text(key)], _text(key), _text(mid), _decode_fields(fields), 1)
            for key, entries in response or []
            for mid, fields in entries
            if fields is not None
        ]

    async def _claim_idle(self) -> list[_Message]:
        claimed: list[_Message] = []
        for key, sub in self._subs.items():
            reply: Any = await self._redis.xautoclaim(
                key,
                self.group,
                self.consumer,
                min_idle_time=self._settings.bus_claim_idle_ms,
                start_id=self._claim_cursor[key],
                count=self._settings.bus_batch_size,
            )
            cursor, entries = reply[0], reply[1]
            self._claim_cursor[key] = _text(cursor)
            entries = [(mid, fields) for mid, fields in entries if fields is not None]
            if not entries:
                continue
            counts = await self._delivery_counts(key, [_text(mid) for mid, _ in entries])
            claimed += [
                _Message(sub, key, _text(mid), _decode_fields(fields), counts.get(_text(mid), 1))
                for mid, fields in entries
            ]
        # Again at the next step while there was something to take or more to scan.
        scanned = all(cursor == "0-0" for cursor in self._claim_cursor.values())
        pause = self._settings.bus_claim_idle_ms / 2000 if scanned and not claimed else 0.0
        self._next_claim = time.monotonic() + pause
        return claimed

    async def _delivery_counts(self, key: str, ids: list[str]) -> dict[str, int]:
        # One exact look-up per id: a range query could be cut short by other pending
        # entries and leave an id without its count (it would then never be dead-lettered).
        pipe = self._redis.pipeline(transaction=False)
        for message_id in ids:
            pipe.xpending_range(key, self.group, min=message_id, max=message_id, count=1)
        replies: Any = await pipe.execute()
        return {
            _text(p["message_id"]): int(p["times_delivered"]) for reply in replies for p in reply
        }

    async def _process(self, message: _Message) -> None:
        event = await self._admit(message)
        if event is not None:
            await self._handle(message, event)

    async def _admit(self, message: _Message) -> Event | None:
        """The message's event, or None when it was dead-lettered instead (undecodable, or
        delivered too often)."""
        try:
            event = decode_event(json.loads(message.fields["data"]))
        except (KeyError, ValueError) as exc:
            await self._dead_letter(message, None, f"undecodable message: {exc}")
            return None
        if message.deliveries > self._settings.bus_max_deliveries:
            reason = f"gave up after {message.deliveries - 1} failed deliveries"
            with correlated(event.correlation_id):
                await self._dead_letter(message, event, reason)
            return None
        return event

    async def _process_batch(self, group: list[_Message]) -> None:
        admitted = [(m, e) for m in group if (e := await self._admit(m)) is not None]
        if not admitted:
            return
        subscription = group[0].subscription
        assert subscription.handle_batch is not None
        started = time.perf_counter()
        try:
            await subscription.handle_batch([event for _, event in admitted])
        except Exception:
            log.exception(
                "batch handler failed; handling its messages one by one",
                extra={"stream": subscription.stream, "messages": len(admitted)},
            )
            for message, event in admitted:
                await self._handle(message, event)
            return
        finally:
            metrics.HANDLER_SECONDS.labels(subscription.stream).observe(
                time.perf_counter() - started
            )
        await self._redis.xack(group[0].key, self.group, *(m.id for m, _ in admitted))
        metrics.MESSAGES_HANDLED.labels(subscription.stream, "ok").inc(len(admitted))

    async def _handle(self, message: _Message, event: Event) -> None:
        with correlated(event.correlation_id):
            await self._handle_correlated(message, event)

    async def _handle_correlated(self, message: _Message, event: Event) -> None:
        stream = message.subscription.stream
        started = time.perf_counter()
        try:
            await message.subscription.handle(event)
        except Exception:
            metrics.MESSAGES_HANDLED.labels(stream, "failed").inc()
            log.exception(
                "handler failed; message stays pending for a retry",
                extra={"stream": stream, "message_id": message.id, "attempt": message.deliveries},
            )
            return
        finally:
            metrics.HANDLER_SECONDS.labels(stream).observe(time.perf_counter() - started)
        await self._redis.xack(message.key, self.group, message.id)
        metrics.MESSAGES_HANDLED.labels(stream, "ok").inc()

    async def _dead_letter(self, message: _Message, event: Event | None, reason: str) -> None:
        stream = message.subscription.stream
        entry: dict[Any, Any] = {
            **message.fields,
            "reason": reason,
            "group": self.group,
            "original_id": message.id,
            "deliveries": str(message.deliveries),
        }
        await self._redis.xadd(
            self._settings.stream(DEAD_LETTER_PREFIX + stream),
            entry,
            maxlen=self._settings.bus_stream_maxlen,
            approximate=True,
        )
        metrics.DEAD_LETTERS.labels(stream).inc()
        log.error("message dead-lettered", extra={"stream": stream, "reason": reason})
        give_up = message.subscription.give_up
        if event is not None and give_up is not None:
            try:
                await give_up(event, reason)
            except Exception:
                # Still ack: the dead-letter stream keeps the message for an operator.
                log.exception("give-up hook failed", extra={"stream": stream})
        await self._redis.xack(message.key, self.group, message.id)


def _by_subscription(messages: list[_Message]) -> list[list[_Message]]:
    """Runs of consecutive messages from one stream (a read returns them stream by stream)."""
    groups: list[list[_Message]] = []
    for message in messages:
        if groups and groups[-1][0].key == message.key:
            groups[-1].append(message)
        else:
            groups.append([message])
    return groups


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _decode_fields(fields: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in fields.items()}
