"""The gateway under a burst: 500 concurrent clients against a real `python -m api_gateway`.

Half create ledger export jobs, half send ledger report emails, each client a different user
(the send rate limit is per user), all released at once over real TCP connections. Records
the statuses (the target: no 5xx at all), p50/p95/p99 and the burst's length under
"## Gateway burst" in RESULTS.md. A scratch tenant and stream prefix, removed at the end with
their rows and Redis keys; no worker runs, so the jobs and emails stay queued until then.

    .venv/bin/python bench/bench_gateway.py [--clients 500] [--no-record]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import date

import httpx
from cryptography.fernet import Fernet
from results_file import record_section
from sqlalchemy import delete

from shared.infra.db.models import Email, ExportJob, Ledger, OutboxMessage, Tenant
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.infra.tokens import mint_token
from tests.factories import create_ledger, create_tenant

SECTION = "## Gateway burst"
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-06-30"}
READY_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def bench_settings() -> Settings:
    return Settings(
        app_env="test",
        database_url=os.environ.get("DATABASE_URL", Settings.model_fields["database_url"].default),
        redis_url=os.environ.get("REDIS_URL", Settings.model_fields["redis_url"].default),
        auth_jwt_secret=secrets.token_urlsafe(48),
        file_link_secret=secrets.token_urlsafe(48),
        encryption_keys=Fernet.generate_key().decode(),
        bus_stream_prefix=f"bench-gw-{uuid.uuid4().hex[:6]}:",
        gateway_port=free_port(),
    )


def start_gateway(settings: Settings) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "APP_ENV": settings.app_env,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "AUTH_JWT_SECRET": settings.auth_jwt_secret,
        "FILE_LINK_SECRET": settings.file_link_secret,
        "ENCRYPTION_KEYS": settings.encryption_keys,
        "BUS_STREAM_PREFIX": settings.bus_stream_prefix,
        "GATEWAY_PORT": str(settings.gateway_port),
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen([sys.executable, "-m", "api_gateway"], env=env)


async def wait_ready(client: httpx.AsyncClient, gateway: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if gateway.poll() is not None:
            raise RuntimeError(f"the gateway exited with {gateway.returncode}")
        try:
            if (await client.get("/readyz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)  # a bench polling a process it started, not a test
    raise RuntimeError("the gateway was not ready in time")


async def burst(
    client: httpx.AsyncClient, tokens: list[str], ledger: str
) -> tuple[Counter[int], list[float], float]:
    export = {"report": "ledger", "format": "csv", "params": {"ledger": ledger, **PERIOD}}
    email = {"ledger": ledger, **PERIOD, "format": "csv", "to": ["p@party.in"]}
    start = asyncio.Event()

    async def one(n: int) -> tuple[int, float]:
        headers = {"Authorization": f"Bearer {tokens[n]}"}
        await start.wait()
        began = time.perf_counter()
        if n % 2:
            response = await client.post("/api/v1/exports/jobs", json=export, headers=headers)
        else:
            response = await client.post(
                "/api/v1/reports/ledger/email", json=email, headers=headers
            )
        return response.status_code, time.perf_counter() - began

    tasks = [asyncio.create_task(one(n)) for n in range(len(tokens))]
    await asyncio.sleep(0)  # every client waits at the start line
    began = time.perf_counter()
    start.set()
    results = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - began
    return Counter(s for s, _ in results), sorted(t for _, t in results), elapsed


async def clean_up(infra: Infrastructure, tenant_id: str) -> None:
    prefix = infra.settings.bus_stream_prefix
    async with infra.uow() as uow:
        for model in (Email, ExportJob, Ledger):
            await uow.session.execute(delete(model).where(model.tenant_id == tenant_id))
        await uow.session.execute(
            delete(OutboxMessage).where(OutboxMessage.stream.startswith(prefix, autoescape=True))
        )
        await uow.session.execute(delete(Tenant).where(Tenant.id == tenant_id))
        await uow.commit()
    keys = [key async for key in infra.redis.scan_iter(match=f"{prefix}*")]
    if keys:
        await infra.redis.delete(*keys)


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, int(len(sorted_values) * share) - 1)]


async def main(args: argparse.Namespace) -> None:
    settings = bench_settings()
    infra = await Infrastructure.connect(settings)
    tenant_id = await create_tenant(infra.uow(), f"bench-gw-{uuid.uuid4().hex[:6]}")
    gateway = start_gateway(settings)
    load_start = os.getloadavg()[0]
    try:
        ledger = await create_ledger(infra.uow(), tenant_id)
        tokens = [
            mint_token(settings, user_id=f"u{n}", tenant_id=tenant_id, role="user",
                       email=f"u{n}@example.in")
            for n in range(args.clients)
        ]  # fmt: skip
        base = f"http://127.0.0.1:{settings.gateway_port}"
        limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
        async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
            await wait_ready(client, gateway)
            auth = {"Authorization": f"Bearer {tokens[0]}"}
            assert (await client.get("/api/v1/exports/jobs", headers=auth)).status_code == 200
            statuses, latencies, elapsed = await burst(client, tokens, ledger)
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
        await clean_up(infra, tenant_id)
        await infra.close()
    figures = {
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": latencies[-1],
    }
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    verdict = "PASS" if server_errors == 0 else "MISS"
    shown = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
    print(f"{args.clients} clients in {elapsed:.1f} s; statuses {shown}")
    print("  ".join(f"{name} {seconds * 1000:,.0f} ms" for name, seconds in figures.items()))
    print(f"no 5xx: {verdict}")
    if args.no_record:
        return
    setup = (
        f"`bench/bench_gateway.py --clients {args.clients}` on {date.today()}: "
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
        f"one gateway process (uvicorn) with the default pools (`DATABASE_POOL_SIZE` "
        f"{settings.database_pool_size} + as many overflow, `REDIS_MAX_CONNECTIONS` "
        f"{settings.redis_max_connections}); load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end (shared machine). Half the clients create a "
        "ledger export job, half send a ledger report email, each a different user, released "
        "at once over their own TCP connections."
    )
    table = [
        "| clients | seconds | statuses | p50 ms | p95 ms | p99 ms | max ms | no 5xx |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
        f"| {args.clients} | {elapsed:.1f} | {shown} | "
        + " | ".join(f"{seconds * 1000:,.0f}" for seconds in figures.values())
        + f" | {verdict} |",
    ]
    record_section(SECTION, "\n".join([SECTION, "", setup, "", *table, ""]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    asyncio.run(main(parser.parse_args()))
