"""The fault campaign, end to end: private servers, the services as processes, a counting SMTP
server, the load and the faults, then the wait until everything has settled.

Recovery is tuned down from production's minutes to seconds (leases, take-over idle time,
sweeps, retry backoff) so the campaign fits in about two minutes; what recovers is the same.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import func, select

from shared.infra.db.models import Email, ExportJob
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.states import FINAL_EMAIL_STATES, FINAL_EXPORT_STATES
from tests.conftest import make_settings
from tests.e2e.stack import Stack
from tests.integration.mailing import configure_smtp
from tests.smtp_kit import SmtpSink

from . import load
from .faults import FaultLog, inject, supervise
from .servers import PrivateServers
from .verdict import Verdict, read_runs, read_verdict

LOAD_SECONDS = 60.0
SMTP_AWAY_SECONDS = 30.0
SETTLE_SECONDS = 90.0  # after the load and the faults, everything must be final by then
MANUAL_EMAILS, EXPORTS, SCHEDULES, RUNS = 240, 60, 8, 24
TUNING = {
    "MAIL_LEASE_SECONDS": "10",
    "EXPORT_LEASE_SECONDS": "10",
    "BUS_CLAIM_IDLE_MS": "4000",
    "RECONCILE_INTERVAL_SECONDS": "2",
    "MAIL_NOT_TRIED_DELAY_SECONDS": "2",
    # A scheduled email outlives the SMTP outage: retries every 2 to 8 s, 10 attempts.
    "MAIL_RETRY_BASE_SECONDS": "2",
    "MAIL_RETRY_MAX_SECONDS": "8",
    "MAIL_MAX_ATTEMPTS": "10",
    "SCHEDULER_RETRY_BASE_SECONDS": "2",
    "SCHEDULER_TICK_SECONDS": "1",
    "SEND_RATE_PER_MINUTE": "10000",  # one clerk sends the whole load
}
# Conversations one mail-service process holds with one server at once (the defaults):
# MAIL_CONNECTIONS_PER_SERVER x MAIL_CONCURRENT_BATCHES.
CONVERSATIONS = (
    Settings.model_fields["mail_connections_per_server"].default
    * Settings.model_fields["mail_concurrent_batches"].default
)


@dataclass
class Outcome:
    seed: int
    work: load.Work
    faults: FaultLog
    verdict: Verdict
    load_started: float
    seconds: float
    settled_after: float | None
    taken_over: int  # "email sent under a claim that had been taken over" in the mail log
    pool_timeouts: int  # the gateway's "QueuePool limit ... timed out" log lines


async def run_campaign(seed: int) -> Outcome:
    rng = random.Random(seed)
    began = time.monotonic()
    servers = PrivateServers()
    log_dir = Path(tempfile.mkdtemp(prefix="lp-chaos-logs-"))
    await asyncio.to_thread(servers.start)
    try:
        await asyncio.to_thread(servers.migrate)
        settings = make_settings(
            servers.database_url,
            log_dir / "exports",
            redis_url=servers.redis_url,
            bus_stream_prefix="chaos:",
        )
        sink = await SmtpSink("plain").start()
        stack = Stack(settings, log_dir, export_workers=2, extra_env=TUNING)
        try:
            infra = await Infrastructure.connect(settings)
            try:
                work = await load.prepare(infra, SCHEDULES)
                await configure_smtp(infra, work.tenant_id, sink, timeout_seconds=5)
            finally:
                await infra.close()
            stack.start()
            async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
                await asyncio.to_thread(_wait_ready, stack)
                await load.create_schedules(client, work, SCHEDULES)
                plan = ["email"] * MANUAL_EMAILS + ["export"] * EXPORTS + ["run"] * RUNS
                rng.shuffle(plan)
                load_started = time.monotonic()
                faults, done = FaultLog(), asyncio.Event()
                supervising = asyncio.create_task(supervise(stack, faults, done))
                await asyncio.gather(
                    load.send_load(client, work, plan, LOAD_SECONDS),
                    inject(stack, servers, sink, LOAD_SECONDS, SMTP_AWAY_SECONDS, rng, faults),
                )
            # Connections made after the PostgreSQL restart, not a pool that lived through it.
            infra = await Infrastructure.connect(settings)
            try:
                settled_after = await _settle(infra, work.tenant_id, SETTLE_SECONDS)
                verdict = await read_verdict(infra, work.tenant_id, sink)
            finally:
                await infra.close()
                done.set()
                await supervising
            stack.stop()
            taken_over = stack.log("mail-service").count("taken over")
            pool_timeouts = stack.log("api-gateway").count("QueuePool limit")
        finally:
            stack.stop()
            await sink.stop()
        return Outcome(
            seed,
            work,
            faults,
            verdict,
            load_started,
            time.monotonic() - began,
            settled_after,
            taken_over,
            pool_timeouts,
        )
    finally:
        await asyncio.to_thread(servers.stop)


async def _settle(infra: Infrastructure, tenant_id: str, seconds: float) -> float | None:
    """Seconds until no job, email or run of the tenant is left unfinished (None: never)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if await _unfinished(infra, tenant_id) == 0:
            return time.monotonic() - started
        await asyncio.sleep(0.5)  # polling the database, bounded by `seconds`
    return None


async def _unfinished(infra: Infrastructure, tenant_id: str) -> int:
    """How many jobs, emails and runs of the tenant are unfinished."""
    async with infra.sessions() as session:
        jobs = await session.scalar(
            select(func.count()).where(
                ExportJob.tenant_id == tenant_id, ExportJob.status.not_in(FINAL_EXPORT_STATES)
            )
        )
        emails = await session.scalar(
            select(func.count()).where(
                Email.tenant_id == tenant_id, Email.status.not_in(FINAL_EMAIL_STATES)
            )
        )
        runs = Verdict(runs=await read_runs(session, tenant_id))
    return (jobs or 0) + (emails or 0) + len(runs.unfinished_runs())


def _wait_ready(stack: Stack) -> None:
    with httpx.Client(timeout=5) as client:
        stack.wait_ready(client)
