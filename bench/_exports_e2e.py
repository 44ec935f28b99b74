"""End to end for bench_exports.py: POST -> `succeeded` through the real services as processes.

The gateway, N export-service processes, the mail and scheduler services run as in
`tests/e2e/stack.py`, with their own stream prefix and export directory, against a scratch
database (`<DATABASE_URL's name>_bench_<hex>`, migrated here and dropped at the end). Not the
shared database: a service's periodic work spans every tenant of its database (the scheduler
runs every due schedule, reconciliation re-announces every stale job under its own stream
prefix), so a second stack on one database takes over the first stack's work. Seen while
writing this bench: its scheduler started another bench's schedules and its export workers
failed their jobs.

Jobs are submitted in waves (all of a wave at once); each is polled until it succeeds. A job's
latency runs from just before its POST to the poll that first sees `succeeded`.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from cryptography.fernet import Fernet
from sqlalchemy.engine import make_url

from shared.infra.db import asyncpg_dsn
from shared.infra.settings import Settings
from shared.infra.tokens import mint_token
from shared.states import FINAL_EXPORT_STATES, ExportStatus
from shared.tools import migrate
from shared.tools.demo import load_single_ledger
from tests.e2e.stack import Stack

WARM_UP_JOBS = 5

# Where the time went, from the job rows themselves (the database's clock).
PHASES = """
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
FROM export_jobs WHERE requested_by = 'bench-e2e' AND status = $1
"""


@dataclass(frozen=True)
class EndToEnd:
    jobs: int
    median_s: float
    p95_s: float
    max_s: float
    seconds: float
    queued_s: float  # median created -> claimed
    render_s: float  # median claimed -> succeeded
    per_worker: dict[str, int]
    exit_codes: dict[str, int | None]

    @property
    def jobs_per_second(self) -> float:
        return self.jobs / self.seconds


def new_prefix(kind: str) -> str:
    return f"bench-{kind}-{uuid.uuid4().hex[:8]}:"


def stack_settings(database_url: str, redis_url: str, export_dir: Path, prefix: str) -> Settings:
    """Settings as `tests.conftest.make_settings` builds them, for the bench's own stack."""
    return Settings(
        app_env="test",
        database_url=database_url,
        redis_url=redis_url,
        auth_jwt_secret=secrets.token_urlsafe(48),
        file_link_secret=secrets.token_urlsafe(48),
        encryption_keys=Fernet.generate_key().decode(),
        export_dir=export_dir,
        bus_stream_prefix=prefix,
        log_format="json",
    )


def _nearest_rank(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


async def _one_job(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], poll: float
) -> float:
    started = time.perf_counter()
    created = await client.post("/api/v1/exports/jobs", json=body, headers=headers)
    if created.status_code != 202:
        raise RuntimeError(f"POST answered {created.status_code}: {created.text}")
    url = created.headers["location"]
    while True:
        job = (await client.get(url, headers=headers)).json()
        if job["status"] == ExportStatus.SUCCEEDED:
            return time.perf_counter() - started
        if job["status"] in FINAL_EXPORT_STATES:
            raise RuntimeError(f"job {url} ended {job['status']}: {job.get('error')}")
        await asyncio.sleep(poll)


async def _drive(
    stack: Stack, tenant: str, body: dict[str, Any], jobs: int, wave: int, poll: float
) -> tuple[list[float], float]:
    token = mint_token(
        stack.settings,
        user_id="bench-e2e",
        tenant_id=tenant,
        role="user",
        email="bench-e2e@bench.example",
    )
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=wave * 2, max_keepalive_connections=wave * 2)
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=60, limits=limits) as client:
        # Warm-up, not counted: connection pools, first imports, consumer groups.
        await asyncio.gather(*(_one_job(client, headers, body, poll) for _ in range(WARM_UP_JOBS)))
        latencies: list[float] = []
        started = time.perf_counter()
        for first in range(0, jobs, wave):
            count = min(wave, jobs - first)
            latencies += await asyncio.gather(
                *(_one_job(client, headers, body, poll) for _ in range(count))
            )
        return latencies, time.perf_counter() - started


async def _create_database(base_url: str) -> str:
    url = make_url(base_url)
    url = url.set(database=f"{url.database}_bench_{uuid.uuid4().hex[:8]}")
    scratch = url.render_as_string(hide_password=False)
    await migrate.upgrade(scratch)
    return scratch


async def _drop_database(url: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(url, "postgres"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await conn.close()


async def _phases(url: str) -> tuple[float, float]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        queued, rendered = await conn.fetchrow(PHASES, ExportStatus.SUCCEEDED.value)
    finally:
        await conn.close()
    return float(queued or 0), float(rendered or 0)


def _run_stack(
    stack: Stack, tenant: str, body: dict[str, Any], jobs: int, wave: int, poll_ms: int
) -> tuple[list[float], float, dict[str, int | None]]:
    stack.start()
    try:
        with httpx.Client(timeout=5) as client:
            stack.wait_ready(client, timeout=60)
        latencies, seconds = asyncio.run(_drive(stack, tenant, body, jobs, wave, poll_ms / 1000))
    except BaseException:
        stack.stop()
        for name in stack.processes:
            print(f"--- {name} log (tail) ---\n{stack.log(name)[-2000:]}")
        raise
    return latencies, seconds, stack.stop()


def run_end_to_end(
    base_url: str,
    redis_url: str,
    root: Path,
    *,
    ledger: str,
    entries: int,
    params: dict[str, str],
    prefix: str,
    jobs: int,
    wave: int,
    export_workers: int,
    poll_ms: int,
) -> EndToEnd:
    """Create the scratch database, load the ledger, drive the stack, drop the database."""
    tenant = f"bench-e2e-{uuid.uuid4().hex[:8]}"
    url = asyncio.run(_create_database(base_url))
    try:
        as_of = date.fromisoformat(params["to_date"])
        dsn = asyncpg_dsn(url)
        load = load_single_ledger(dsn, tenant_id=tenant, ledger_name=ledger, entries=entries,
                                  as_of=as_of)  # fmt: skip
        asyncio.run(load)
        settings = stack_settings(url, redis_url, root / "e2e-exports", prefix)
        (root / "logs").mkdir()
        stack = Stack(settings=settings, log_dir=root / "logs", export_workers=export_workers)
        body = {"report": "ledger", "format": "csv", "params": {"ledger": ledger, **params}}
        latencies, seconds, codes = _run_stack(stack, tenant, body, jobs, wave, poll_ms)
        queued, rendered = asyncio.run(_phases(url))
    finally:
        asyncio.run(_drop_database(url))
    workers = [name for name in stack.processes if name.startswith("export-service")]
    return EndToEnd(
        jobs=jobs,
        median_s=statistics.median(latencies),
        p95_s=_nearest_rank(latencies, 0.95),
        max_s=max(latencies),
        seconds=seconds,
        queued_s=queued,
        render_s=rendered,
        per_worker={name: stack.log(name).count('"export succeeded"') for name in workers},
        exit_codes=codes,
    )
