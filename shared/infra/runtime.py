"""Connections every service holds, and the loop that runs a worker until SIGTERM.

`Infrastructure.connect` fails fast with a message that names the server and the setting to
fix. `run_worker` runs the consumer, the outbox relay, periodic jobs and the health server
side by side; SIGTERM or SIGINT sets one stop event and every loop finishes what it holds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from shared.infra.bus import OutboxRelay, StreamConsumer, Subscription
from shared.infra.db import (
    DatabaseUnavailableError,
    UnitOfWork,
    create_engine,
    create_session_factory,
)
from shared.infra.db.engine import describe_server
from shared.infra.health import HealthServer
from shared.infra.settings import Settings

log = logging.getLogger(__name__)

PeriodicJob = Callable[[], Awaitable[object]]
REDIS_READ_MARGIN_SECONDS = 10.0


class RedisUnavailableError(RuntimeError):
    """Redis cannot be reached; the message names the server and what to do."""


@dataclass
class Infrastructure:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis
    # Set when a unit of work of this process committed events: its relay publishes them at
    # once, while the other processes' relays give it `OUTBOX_PEER_DELAY_SECONDS` to do so.
    events_committed: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    async def connect(cls, settings: Settings) -> Infrastructure:
        engine = create_engine(
            settings.database_url,
            settings.database_pool_size,
            settings.database_pool_timeout_seconds,
        )
        # A blocking pool: under a burst, callers wait for a connection (bounded by the
        # timeout) instead of failing with MaxConnectionsError as the default pool does.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url,
            max_connections=settings.redis_max_connections,
            timeout=settings.redis_pool_timeout_seconds,
            socket_connect_timeout=5,
            # The read timeout must outlast a blocking XREADGROUP, or every idle read times out.
            socket_timeout=settings.bus_block_ms / 1000 + REDIS_READ_MARGIN_SECONDS,
        )
        redis = Redis.from_pool(pool)
        infra = cls(settings, engine, create_session_factory(engine), redis)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:
            await infra.close()
            raise DatabaseUnavailableError(
                f"cannot use PostgreSQL at {describe_server(settings.database_url)}: {exc}. "
                "Check DATABASE_URL, that the server runs, and that `ledgerpost migrate` ran."
            ) from exc
        try:
            await redis.ping()
        except (RedisError, OSError) as exc:
            await infra.close()
            raise RedisUnavailableError(
                f"cannot reach Redis at REDIS_URL={settings.redis_url}: {exc}. "
                "Start Redis or point REDIS_URL at a running server."
            ) from exc
        return infra

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessions, self.settings.bus_stream_prefix, self.events_committed.set)

    def relay(self) -> OutboxRelay:
        """This process's outbox relay, told of its own commits."""
        return OutboxRelay(self.engine, self.redis, self.settings, self.events_committed)

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with self.engine.connect() as conn:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), timeout=2)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"unavailable: {type(exc).__name__}"
        try:
            await asyncio.wait_for(self.redis.ping(), timeout=2)
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"unavailable: {type(exc).__name__}"
        return checks

    async def close(self) -> None:
        await self.redis.aclose()
        await self.engine.dispose()


def consumer_name(service: str, index: int = 0) -> str:
    """Unique per process (and per loop within it), readable in `XINFO CONSUMERS`."""
    name = f"{service}-{socket.gethostname()}-{os.getpid()}"
    return f"{name}-{index}" if index else name


@dataclass
class Worker:
    """What a worker service runs: its group, subscriptions, periodic jobs and health port."""

    service: str
    infra: Infrastructure
    subscriptions: Sequence[Subscription]
    health_port: int
    periodic: Sequence[tuple[float, PeriodicJob]] = field(default_factory=tuple)
    # Consumer loops in this process: while one waits on the database, another can work.
    concurrency: int = 1
    # Set as soon as the worker is told to stop, for handlers that wind down mid-message.
    stopping: asyncio.Event | None = None
    # Run once everything has stopped (closing pooled connections, say).
    on_stop: Sequence[Callable[[], Awaitable[None]]] = field(default_factory=tuple)

    def consumer(self, index: int = 0) -> StreamConsumer:
        return StreamConsumer(
            self.infra.redis,
            self.infra.settings,
            group=self.service,
            consumer=consumer_name(self.service, index),
            subscriptions=list(self.subscriptions),
        )

    def consumers(self) -> list[StreamConsumer]:
        return [self.consumer(index) for index in range(self.concurrency)]


async def _every(interval: float, job: PeriodicJob, stop: asyncio.Event) -> None:
    while not stop.is_set():
        try:
            await job()
        except Exception:
            log.exception("periodic job failed; trying again next round")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)


async def _pass_on(stop: asyncio.Event, stopping: asyncio.Event) -> None:
    await stop.wait()
    stopping.set()


def install_stop_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


async def run_worker(worker: Worker, stop: asyncio.Event | None = None) -> None:
    """Run until SIGTERM/SIGINT (or `stop`): consume, relay the outbox, run periodic jobs."""
    stop = stop or asyncio.Event()
    install_stop_signals(stop)
    settings = worker.infra.settings
    health = HealthServer(settings.health_host, worker.health_port, worker.infra.readiness)
    tasks = [
        *(
            asyncio.create_task(consumer.run(stop), name=consumer.consumer)
            for consumer in worker.consumers()
        ),
        asyncio.create_task(worker.infra.relay().run(stop), name="relay"),
        asyncio.create_task(health.serve(stop), name="health"),
        *(asyncio.create_task(_every(i, job, stop)) for i, job in worker.periodic),
    ]
    if worker.stopping is not None:
        tasks.append(asyncio.create_task(_pass_on(stop, worker.stopping)))
    log.info("worker started", extra={"service": worker.service})
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in done:
        if task.exception() is not None:
            log.error("worker task crashed; stopping", exc_info=task.exception())
            stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    for hook in worker.on_stop:
        try:
            await hook()
        except Exception:
            log.exception("a clean-up step failed while stopping")
    log.info("worker stopped", extra={"service": worker.service})
    if any(t.exception() for t in done if not t.cancelled()):
        raise SystemExit(1)
