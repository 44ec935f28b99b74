"""The faults, each at a random moment of the load (seeded: the seed is printed, so a run can
be repeated): every worker process SIGKILLed twice and started again, the private Redis
restarted once and flushed once, the private PostgreSQL restarted once, the SMTP server away
for a while. The log says when each happened, for the verdict.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tests.e2e.stack import Stack
from tests.smtp_kit import SmtpSink

from .servers import PrivateServers

WORKERS = ("mail-service", "export-service", "export-service-2", "scheduler-service")
KILLS_PER_WORKER = 2
RESTART_AFTER_SECONDS = (0.3, 2.0)  # a supervisor's restart delay, drawn at random


@dataclass
class FaultLog:
    # (start, end, what), on the monotonic clock like the gateway's answers
    events: list[tuple[float, float, str]] = field(default_factory=list)
    # Processes that stopped on their own, with their exit code, restarted by `supervise`.
    exits: list[tuple[str, int]] = field(default_factory=list)
    locks: dict[str, asyncio.Lock] = field(
        default_factory=lambda: {name: asyncio.Lock() for name in WORKERS}
    )

    def windows(self, what: str) -> list[tuple[float, float]]:
        return [(start, end) for start, end, name in self.events if name == what]

    def count(self, prefix: str) -> int:
        return sum(1 for _, _, name in self.events if name.startswith(prefix))


async def supervise(stack: Stack, log: FaultLog, stop: asyncio.Event) -> None:
    """What a process manager does (systemd, Docker's restart policy): a worker that exits on
    its own (it could not reach PostgreSQL at start-up, say) is started again."""
    while not stop.is_set():
        for name in WORKERS:
            async with log.locks[name]:  # never while a fault holds it down
                code = stack.processes[name].poll()
                if code is not None:
                    log.exits.append((name, code))
                    stack.restart(name)
        with contextlib.suppress(TimeoutError):  # a supervisor's polling interval
            await asyncio.wait_for(stop.wait(), timeout=RESTART_AFTER_SECONDS[1])


async def inject(
    stack: Stack,
    servers: PrivateServers,
    sink: SmtpSink,
    seconds: float,
    smtp_away_seconds: float,
    rng: random.Random,
    log: FaultLog,
) -> None:
    """Every fault once its moment comes, within the first `seconds` of the load."""

    async def kill(name: str) -> None:
        async with log.locks[name]:
            stack.kill(name)
            await asyncio.sleep(rng.uniform(*RESTART_AFTER_SECONDS))  # down for a moment
            stack.restart(name)

    async def smtp_away() -> None:
        await sink.stop()
        await asyncio.sleep(smtp_away_seconds)  # the outage itself
        await sink.start()

    plan: list[tuple[float, str, Callable[[], Awaitable[None]]]] = []
    for name in WORKERS:
        for _ in range(KILLS_PER_WORKER):
            plan.append((rng.uniform(2, seconds), f"kill {name}", _bound(kill, name)))
    # The server-wide faults apart from each other, so each one's effect can be told apart.
    slots = [0.15, 0.35, 0.55, 0.75]
    rng.shuffle(slots)
    plan.append((seconds * slots[0], "restart redis", servers.restart_redis))
    plan.append((seconds * slots[1], "flush redis", servers.flush_redis))
    plan.append((seconds * slots[2], "restart postgres", servers.restart_postgres))
    smtp_at = min(seconds * slots[3], seconds - smtp_away_seconds / 2)
    plan.append((smtp_at, "smtp away", smtp_away))

    async def at(moment: float, what: str, fault: Callable[[], Awaitable[None]]) -> None:
        await asyncio.sleep(moment)  # the fault's moment, counted from the start of the load
        begun = time.monotonic()
        await fault()
        log.events.append((begun, time.monotonic(), what))

    await asyncio.gather(*(at(moment, what, fault) for moment, what, fault in plan))
    log.events.sort()


def _bound(fault: Callable[[str], Awaitable[None]], name: str) -> Callable[[], Awaitable[None]]:
    return lambda: fault(name)
