"""Month-end: 1,000 PDF statements emailed through one statement run, against a bare loop.

A scratch database (`<DATABASE_URL's name>_bench_<hex>`, migrated here, dropped at the end)
gets a tenant with N debtors (1,000) in Sundry Debtors, each with about E entries (300) from
the demo generator and a party directory entry, SMTP settings pointing at a counting sink (an
aiosmtpd process keeping nothing: `bench_mail.py --sink`) and PDFs attached.

- Statement run: the four services as processes (`tests/e2e/stack.py`: the gateway, two
  export workers, the mail-service, the scheduler), started once and warmed with a small run.
  A round POSTs `/statement-runs` for the group and the whole period; the clock runs from the
  POST until the sink has counted N more messages (the time to the last email).
- Bare loop: two processes (one per core, `_month_end_bare.py`), each rendering half the same
  statements with the project's PDF writer from the same SQL and sending them with aiosmtplib
  on one connection; the clock runs from "go" until both are done.

Rounds alternate sides; the medians decide (target: the run's throughput at least 0.6 x the
bare loop's) and the spread is printed. The services' idle loops keep running while the bare
loop runs, as they would on a server.

    .venv/bin/python bench/bench_month_end.py [--ledgers 1000] [--entries 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import asyncpg
import httpx
from _exports_e2e import _create_database, _drop_database, new_prefix, stack_settings
from bench_mail import Sink
from redis.asyncio import Redis
from results_file import record_section

from shared.domain.party_directory import name_key
from shared.infra.db import asyncpg_dsn
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.infra.tokens import mint_token
from shared.tools.demo.chart import books_start
from shared.tools.demo.ledger import generate_ledger_entries
from shared.tools.demo.load import ENTRY_COLUMNS, LEDGER_COLUMNS, ledger_ids, with_ledger_ids
from tests.e2e.stack import Stack
from tests.factories import create_tenant
from tests.integration.mailing import configure_smtp
from tests.smtp_kit import SmtpSink

SECTION = "## Month-end statement run"
TARGET = 0.6
AS_OF = date(2026, 11, 30)
BARE = Path(__file__).with_name("_month_end_bare.py")


async def load_books(dsn: str, tenant: str, ledgers: int, entries: int) -> int:
    """N debtors with about `entries` entries each and a directory entry; returns entries."""
    names = [f"Party {n:04d} Traders" for n in range(ledgers)]
    start = books_start(AS_OF)
    rows = [(tenant, name, "Sundry Debtors", name, 0, start, None, []) for name in names]
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table("ledgers", records=rows, columns=LEDGER_COLUMNS)
        ids = await ledger_ids(conn, tenant)
        loaded = 0
        for name in names:
            generated = generate_ledger_entries(tenant, name, entries=entries, seed=7, as_of=AS_OF)
            status = await conn.copy_records_to_table(
                "ledger_entries", records=with_ledger_ids(generated, ids), columns=ENTRY_COLUMNS
            )
            loaded += int(status.split()[-1])
        directory = [
            (uuid.uuid4(), tenant, name, name_key(name), [f"accounts{n}@party.example"])
            for n, name in enumerate(names)
        ]
        await conn.copy_records_to_table(
            "party_email_directory",
            records=directory,
            columns=("id", "tenant_id", "ledger_name", "ledger_key", "to_addresses"),
        )
        await conn.execute("VACUUM (ANALYZE) ledger_entries")
    finally:
        await conn.close()
    return loaded


async def configure_tenant(settings: Settings, tenant: str, port: int) -> None:
    infra = await Infrastructure.connect(settings)
    try:
        await create_tenant(infra.uow(), tenant)
        target = SimpleNamespace(host="127.0.0.1", port=port, security="plain", auth=None)
        attach = {"csv": "attach", "xlsx": "attach", "pdf": "attach"}
        await configure_smtp(infra, tenant, cast("SmtpSink", target), delivery=attach)
    finally:
        await infra.close()


# Where a run's time went, from its rows (the database's clock): seconds from the run's creation
# to its first render, its last render and its last email, and the renders' own seconds.
PHASES = """
SELECT extract(epoch FROM min(j.started_at) - r.created_at),
       extract(epoch FROM max(j.finished_at) - r.created_at),
       extract(epoch FROM max(e.sent_at) - r.created_at),
       extract(epoch FROM sum(j.finished_at - j.started_at))
FROM statement_runs r JOIN statement_run_items i ON i.run_id = r.id
JOIN emails e ON e.id = i.email_id JOIN export_jobs j ON j.id = e.export_job_id
WHERE r.id = $1 GROUP BY r.created_at
"""


async def phases(dsn: str, run_id: str) -> list[float]:
    conn = await asyncpg.connect(dsn)
    try:
        return [float(value) for value in await conn.fetchrow(PHASES, uuid.UUID(run_id))]
    finally:
        await conn.close()


async def service_round(
    client: httpx.AsyncClient, sink: Sink, body: dict[str, Any], n: int
) -> tuple[float, float, str]:
    """(seconds to the 202, seconds to the sink's n-th message, the run's id) of one run."""
    before = (await sink.stats())[1]
    started = time.perf_counter()
    response = await client.post("/api/v1/statement-runs", json=body)
    accepted = time.perf_counter() - started
    if response.status_code != 202 or response.json()["counts"]["queued"] != n:
        raise RuntimeError(f"the run was not accepted whole: {response.text[:500]}")
    deadline = time.monotonic() + 3600
    while (await sink.stats())[1] - before < n:
        if time.monotonic() > deadline:
            raise RuntimeError("the sink did not get every statement within an hour")
        await asyncio.sleep(0.05)
    done = time.perf_counter() - started
    url = response.headers["location"]
    deadline = time.monotonic() + 60
    while (run := (await client.get(url)).json())["status"] != "finished":
        if time.monotonic() > deadline:
            raise RuntimeError(f"the run is not finished 60 s after its last email: {run}")
        await asyncio.sleep(0.2)
    if run["counts"]["sent"] != n:
        raise RuntimeError(f"not every statement was sent: {run['counts']}")
    return accepted, done, str(run["id"])


def process_cpu(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def bare_round(
    dsn: str, tenant: str, sink: Sink, start: date, parts: int
) -> tuple[float, float]:
    """(seconds, CPU seconds of the two processes) of one bare round."""
    before = (await sink.stats())[1]
    args = [dsn, tenant, str(sink.port), start.isoformat(), AS_OF.isoformat()]
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            str(BARE),
            *args,
            str(part),
            str(parts),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        for part in range(parts)
    ]
    for proc in procs:
        assert proc.stdout is not None and (await proc.stdout.readline()).strip() == b"ready"
    started = time.perf_counter()
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(b"go\n")
        await proc.stdin.drain()
    answers = [(await proc.stdout.readline()).split() for proc in procs if proc.stdout]
    seconds = time.perf_counter() - started
    sent = [int(answer[0]) for answer in answers]
    cpu = sum(float(answer[1]) for answer in answers)
    for proc in procs:
        await proc.wait()
    if sum(sent) != (await sink.stats())[1] - before:
        raise RuntimeError(f"the bare loop sent {sent}, the sink counted otherwise")
    return seconds, cpu


async def bench(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    environment = Settings(app_env="development")  # DATABASE_URL, REDIS_URL as the services
    url = await _create_database(environment.database_url)
    redis_url, tenant = environment.redis_url, f"bench-month-{uuid.uuid4().hex[:8]}"
    settings = stack_settings(url, redis_url, root / "exports", new_prefix("month"))
    sink, dsn, start = await Sink.start(), asyncpg_dsn(url), books_start(AS_OF)
    stack = Stack(settings=settings, log_dir=root, export_workers=2, extra_env={
        "STATEMENT_RUNS_HOURLY_QUOTA": "1000000", "LOG_LEVEL": "WARNING"})  # fmt: skip
    figures: dict[str, Any] = {
        "service": [], "accepted": [], "bare": [], "service_cpu": [], "bare_cpu": [],
        "phases": [],
    }  # fmt: skip
    try:
        figures["entries"] = await load_books(dsn, tenant, args.ledgers, args.entries)
        await configure_tenant(settings, tenant, sink.port)
        stack.start()
        with httpx.Client(timeout=5) as probe:
            stack.wait_ready(probe, timeout=60)
        token = mint_token(settings, user_id="bench", tenant_id=tenant, role="admin",
                           email="bench@bench.example")  # fmt: skip
        headers = {"Authorization": f"Bearer {token}"}
        body = {"group": "Sundry Debtors", "from_date": start.isoformat(),
                "to_date": AS_OF.isoformat(), "format": "pdf"}  # fmt: skip
        async with httpx.AsyncClient(base_url=stack.gateway_url, headers=headers,
                                     timeout=300) as client:  # fmt: skip
            warm = {**body, "group": None, "ledgers": ["Party 0000 Traders", "Party 0001 Traders"]}
            await service_round(client, sink, warm, 2)  # imports, pools, consumer groups
            for n in range(args.rounds):
                print(f"round {n + 1}: bare loop ...", flush=True)
                idle = {name: process_cpu([p.pid]) for name, p in stack.processes.items()}
                seconds, cpu = await bare_round(dsn, tenant, sink, start, 2)
                figures["bare"].append(seconds)
                figures["bare_cpu"].append(cpu)
                if args.per_process:  # what the services spend waiting, for comparison
                    for name, process in stack.processes.items():
                        used = process_cpu([process.pid]) - idle[name]
                        print(f"  idle {name}: {used * 1000 / seconds:.1f} ms of CPU a second")
                print(f"round {n + 1}: statement run ...", flush=True)
                pids = [process.pid for process in stack.processes.values()]
                cpu = process_cpu(pids)
                each = {name: process_cpu([p.pid]) for name, p in stack.processes.items()}
                accepted, done, run_id = await service_round(client, sink, body, args.ledgers)
                first, rendered, mailed, rendering = await phases(dsn, run_id)
                figures["phases"].append((first, rendered, mailed, rendering))
                print(
                    f"  first render {first:.1f} s, last render {rendered:.1f} s, last email "
                    f"{mailed:.1f} s after the run; renders {rendering:.1f} s in all"
                )
                figures["service_cpu"].append(process_cpu(pids) - cpu)
                if args.per_process:
                    for name, process in stack.processes.items():
                        used = process_cpu([process.pid]) - each[name]
                        print(f"  {name}: {used * 1000 / args.ledgers:.1f} ms of CPU a statement")
                figures["accepted"].append(accepted)
                figures["service"].append(done)
                print(f"  bare {figures['bare'][-1]:.1f} s, run {done:.1f} s "
                      f"(202 after {accepted:.1f} s)", flush=True)  # fmt: skip
        conn = await asyncpg.connect(dsn)
        try:
            figures["pdf_bytes"] = await conn.fetchval(
                "SELECT avg(file_size)::bigint FROM export_jobs WHERE format = 'pdf'"
            )
            figures["server"] = await conn.fetchval("SHOW server_version")
        finally:
            await conn.close()
    finally:
        stack.stop()
        sink.proc.terminate()
        await sink.proc.wait()
        await _drop_database(url)
        redis = Redis.from_url(redis_url)
        prefix = settings.bus_stream_prefix
        if keys := [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]:
            await redis.delete(*keys)
        await redis.aclose()
    return figures


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} s ({min(values):.1f} to {max(values):.1f})"


def cpu_ms(values: list[float], n: int) -> str:
    return f"{statistics.median(values) * 1000 / n:.0f}"


def report(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    n, service, bare = args.ledgers, figures["service"], figures["bare"]
    ratio = statistics.median(bare) / statistics.median(service)
    per_round = ", ".join(f"{b / s:.2f}" for b, s in zip(bare, service, strict=True))
    verdict = "**PASS**" if ratio >= TARGET else "**MISS**"
    lines = [
        f"- Statement run: time to the last email {spread(service)}, "
        f"{n / statistics.median(service):.1f} statements/s; the 202 came after "
        f"{spread(figures['accepted'])}; the services' processes used "
        f"{cpu_ms(figures['service_cpu'], n)} ms of CPU per statement (PostgreSQL not counted).",
        f"- Bare loop (two processes): {spread(bare)}, {n / statistics.median(bare):.1f} "
        f"statements/s, {cpu_ms(figures['bare_cpu'], n)} ms of CPU per statement.",
        f"- Run / bare loop throughput: **{ratio:.2f}** (rounds: {per_round}; target: at least "
        f"{TARGET}): {verdict}.",
    ]
    setup = (
        f"`bench/bench_month_end.py --ledgers {n} --entries {args.entries} --rounds "
        f"{args.rounds}` on {date.today()}: {len(os.sched_getaffinity(0))} CPUs, PostgreSQL "
        f"{figures['server']}; {figures['entries']:,} entries ({figures['entries'] / n:.0f} per "
        f"statement), PDFs of {figures['pdf_bytes'] / 1024:.0f} KiB on average, attached. Load "
        f"average {args.load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (shared "
        "machine). Set-up: see the script's docstring."
    )
    print(setup, "", *lines, sep="\n")
    if not args.no_record:
        record_section(SECTION, "\n".join([SECTION, "", setup, "", *lines, ""]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ledgers", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--per-process", action="store_true", help="print each service's CPU")
    args = parser.parse_args()
    args.load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-month-end-") as tmp:
        figures = asyncio.run(bench(args, Path(tmp)))
    report(args, figures)


if __name__ == "__main__":
    main()
