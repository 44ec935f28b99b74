"""The outbox relay: moves committed events from PostgreSQL to Redis Streams.

Rows are claimed with `FOR UPDATE SKIP LOCKED`, so a relay in every service process can run
side by side without publishing a row twice concurrently. A Lua script publishes each row
and remembers its id in one atomic step; a relay restarted mid-batch finds the ids it already
sent and skips them, so every committed event reaches its stream exactly once.
The relay wakes on `LISTEN outbox` and polls as a fallback when a notification is missed.
Every relay hears every commit's NOTIFY. The committing process's relay is told directly and
publishes at once; the others wait `outbox_peer_delay_seconds` first (their look is then
usually for nothing). A round is kept cheap: it runs on the relay's own LISTEN session (no
pool checkout, no pre-ping), asks first whether the outbox holds any row at all (one read, no
transaction), and hands each payload to Redis as PostgreSQL wrote it (no decoding and encoding
again). At month-end a round cost about a millisecond of CPU in each of five processes, several
times per statement.
A LISTEN connection that PostgreSQL drops (a restart, a failover, an idle-session kill) is
opened again on the next round, so wake-ups come back after the outage instead of the relay
falling back to polling for the rest of the process's life.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

import asyncpg
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.infra import metrics
from shared.infra.bus.keys import outbox_published_key
from shared.infra.db import OUTBOX_CHANNEL, asyncpg_dsn
from shared.infra.settings import Settings

log = logging.getLogger(__name__)

# KEYS[1] dedupe key, KEYS[2] stream; ARGV[1] dedupe TTL, ARGV[2] approximate max length,
# ARGV[3] the event JSON. Returns the new entry id, or false when already published. The marker
# is written after the XADD: a failed XADD (out of memory) must not mark the row as published.
_PUBLISH_ONCE = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'data', ARGV[3])
redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
return id
"""

# Raw asyncpg statements: the relay runs on a bare connection (its LISTEN session, else one
# borrowed from the pool). The payload comes back as PostgreSQL's text of the jsonb.
_ANY_ROW = "SELECT EXISTS (SELECT 1 FROM outbox)"
_CLAIM_BATCH = (
    "SELECT id, stream, payload::text AS payload FROM outbox ORDER BY id LIMIT $1 "
    "FOR UPDATE SKIP LOCKED"
)
_DELETE_BATCH = "DELETE FROM outbox WHERE id = ANY($1::bigint[])"
# So an operator (and a test) can tell the relays' sessions from the pool's.
RELAY_APPLICATION_NAME = "outbox-relay"


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        redis: Redis,
        settings: Settings,
        own_commits: asyncio.Event | None = None,
    ) -> None:
        self._engine = engine
        # Set by this process's units of work (see Infrastructure.uow): without it, every
        # NOTIFY is answered at once.
        self._own = own_commits
        self._redis = redis
        self._settings = settings
        self._script = redis.register_script(_PUBLISH_ONCE)
        self._wake = asyncio.Event()
        self._listen_failed = False  # so an outage is logged once, not every round

    async def publish_pending(self) -> int:
        """Publish every committed outbox row; returns how many were handed to Redis."""
        async with self._engine.connect() as pooled:
            raw = await pooled.get_raw_connection()
            conn: asyncpg.Connection = raw.driver_connection
            return await self._publish_on(conn)

    async def _publish_on(self, conn: asyncpg.Connection) -> int:
        # Most wake-ups find the outbox already emptied by another process's relay: one read
        # tells, where a claim costs a transaction. A row committed after this read sends its
        # own NOTIFY, so nothing waits for the polling interval.
        if not await conn.fetchval(_ANY_ROW):
            return 0
        total = 0
        while True:
            batch = await self._publish_batch(conn)
            total += batch
            # A short batch emptied the outbox: asking again would only cost a round trip.
            if batch < self._settings.outbox_batch_size:
                return total

    async def _publish_batch(self, conn: asyncpg.Connection) -> int:
        async with conn.transaction():
            rows = await conn.fetch(_CLAIM_BATCH, self._settings.outbox_batch_size)
            if not rows:
                return 0
            await self._publish_rows(rows)
            await conn.execute(_DELETE_BATCH, [row["id"] for row in rows])
        metrics.OUTBOX_PUBLISHED.inc(len(rows))
        return len(rows)

    async def _publish_rows(self, rows: Sequence[asyncpg.Record]) -> None:
        settings = self._settings
        pipe = self._redis.pipeline(transaction=False)
        for row in rows:
            await self._script(
                keys=[
                    outbox_published_key(settings.bus_stream_prefix, row["id"]),
                    row["stream"],  # already the full key (see UnitOfWork.publish)
                ],
                args=[
                    settings.outbox_dedupe_ttl_seconds,
                    settings.bus_stream_maxlen,
                    row["payload"],
                ],
                client=pipe,
            )
        await pipe.execute()

    async def run(self, stop: asyncio.Event) -> None:
        """Publish until `stop` is set, woken by NOTIFY or every `outbox_poll_seconds`."""
        listener: asyncpg.Connection | None = None
        try:
            while not stop.is_set():
                listener = await self._keep_listening(listener)
                # Cleared before the round, not after: a NOTIFY that arrives while we publish
                # must wake the next wait, or its row would sit until the polling interval.
                self._wake.clear()
                if self._own is not None:
                    self._own.clear()
                try:
                    if listener is not None:
                        await self._publish_on(listener)
                    else:
                        await self.publish_pending()
                except Exception:
                    # A database or Redis outage must not kill the relay: the rows stay
                    # in the outbox and the next round publishes them.
                    log.exception("outbox relay round failed; retrying")
                await _first_of(self._settings.outbox_poll_seconds, stop, self._wake, self._own)
                if self._own is not None and not self._own.is_set() and self._wake.is_set():
                    # Another process committed: its own relay is publishing the rows now.
                    await _first_of(self._settings.outbox_peer_delay_seconds, stop, self._own)
        finally:
            if listener is not None:
                with contextlib.suppress(Exception):
                    await listener.close()

    async def _keep_listening(
        self, listener: asyncpg.Connection | None
    ) -> asyncpg.Connection | None:
        """The LISTEN connection, opened again when there is none or PostgreSQL closed it."""
        if listener is not None and not listener.is_closed():
            return listener
        if listener is not None:
            with contextlib.suppress(Exception):
                await listener.close()
        return await self._listen()

    async def _listen(self) -> asyncpg.Connection | None:
        try:
            conn = await asyncpg.connect(
                asyncpg_dsn(self._settings.database_url),
                timeout=5,
                server_settings={"application_name": RELAY_APPLICATION_NAME},
            )
            await conn.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
        except (TimeoutError, OSError, asyncpg.PostgresError):
            # Said once per outage, not once per round: the relay retries every round.
            if not self._listen_failed:
                log.warning("LISTEN %s unavailable; polling until it comes back", OUTBOX_CHANNEL)
            self._listen_failed = True
            return None
        if self._listen_failed:
            log.info("LISTEN %s restored", OUTBOX_CHANNEL)
        self._listen_failed = False
        # A dropped connection wakes the loop at once, so the next round listens again and
        # publishes whatever was committed while nobody was listening.
        conn.add_termination_listener(lambda *_: self._wake.set())
        return conn


async def _first_of(seconds: float, *events: asyncio.Event | None) -> None:
    """Wait until one of `events` is set, or `seconds` have passed."""
    waiters = [asyncio.create_task(event.wait()) for event in events if event is not None]
    await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    for waiter in waiters:
        waiter.cancel()
