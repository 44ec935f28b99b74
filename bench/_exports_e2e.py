"""End to end for bench_exports.py: POST -> `succeeded` through the real services as processes.

The gateway, N export-service processes, the mail and scheduler services run as in
`tests/e2e/stack.py`, with their own stream prefix and export directory. Jobs are submitted in
waves (all of a wave at once); each is polled until it succeeds. A job's latency runs from just
before its POST to the poll that first sees `succeeded`, so it includes up to one poll interval.
"""

from __future__ import annotations

import asyncio
import math
import secrets
import statistics
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet

from shared.auth import mint_token
from shared.settings import Settings
from tests.e2e.stack import Stack

WARM_UP_JOBS = 5

# Jobs another stack on this database may own that the bench's export workers would
# re-announce on start-up (see the report: reconciliation is per database, not per prefix).
STALE_JOBS = """
SELECT count(*) FROM export_jobs
WHERE (status = 'queued' AND announced_at < now() - make_interval(secs => $1))
   OR (status = 'running' AND lease_expires_at < now())
"""


@dataclass(frozen=True)
class EndToEnd:
    jobs: int
    wave: int
    export_workers: int
    poll_ms: int
    median_s: float
    p95_s: float
    max_s: float
    seconds: float
    per_worker: dict[str, int]
    exit_codes: dict[str, int | None]

    @property
    def jobs_per_second(self) -> float:
        return self.jobs / self.seconds


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
        if job["status"] == "succeeded":
            return time.perf_counter() - started
        if job["status"] not in ("queued", "running"):
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


def run_end_to_end(
    settings: Settings,
    log_dir: Path,
    *,
    tenant: str,
    body: dict[str, Any],
    jobs: int,
    wave: int,
    export_workers: int,
    poll_ms: int,
) -> EndToEnd:
    stack = Stack(settings=settings, log_dir=log_dir, export_workers=export_workers)
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
    codes = stack.stop()
    workers = [name for name in stack.processes if name.startswith("export-service")]
    per_worker = {name: stack.log(name).count('"export succeeded"') for name in workers}
    return EndToEnd(
        jobs=jobs,
        wave=wave,
        export_workers=export_workers,
        poll_ms=poll_ms,
        median_s=statistics.median(latencies),
        p95_s=_nearest_rank(latencies, 0.95),
        max_s=max(latencies),
        seconds=seconds,
        per_worker=per_worker,
        exit_codes=codes,
    )


# Where the time went, from the rows themselves (the job's clock is the database's).
PHASES = """
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at))
FROM export_jobs WHERE tenant_id = $1 AND requested_by = 'bench-e2e' AND status = 'succeeded'
"""


def new_prefix(kind: str) -> str:
    return f"bench-{kind}-{uuid.uuid4().hex[:8]}:"
