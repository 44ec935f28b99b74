"""Mail throughput: the mail-service against a bare aiosmtplib loop, to the same SMTP sink.

N emails (1,000) with a 50 KB CSV attached go to an aiosmtpd sink in its own process (`--sink`:
this script, counting connections, messages and bytes, keeping nothing). Bare loop: one
aiosmtplib connection, N `send_message` calls of the message the service builds, built once.
Mail-service: its worker (`build_worker`: the consumer loops and the outbox relay, JSON logs to
a file) in this process, without the health server and the database-wide reconcile sweep. The
N emails (one succeeded CSV export, delivery `attach`) are queued in one transaction; the clock
runs from that commit until the service's `emails_finished_total` counter (read every 5 ms)
shows N `sent`. Sides alternate; the best run of each counts (target: service >= 0.8 x bare).
Scratch tenant, stream prefix and EXPORT_DIR; the database and Redis are cleaned up at the end.
The service's settings come from the environment as in production, so the effect of one can be
measured:

    .venv/bin/python bench/bench_mail.py [--emails 1000] [--runs 3] [--no-record]
    MAIL_CONNECTIONS_PER_SERVER=1 MAIL_CONCURRENT_BATCHES=1 .venv/bin/python bench/bench_mail.py
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import re
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from importlib.metadata import version
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import aiosmtplib
import asyncpg
from aiosmtpd.smtp import SMTP, Envelope, Session
from mail_service.bootstrap import build_worker
from mail_service.compose import Attachment, Sender, attachment_part, build_message
from redis.asyncio import Redis

from shared.domain import emails
from shared.infra import metrics
from shared.infra.bus import OutboxRelay
from shared.infra.db import asyncpg_dsn
from shared.infra.db.models import Email
from shared.infra.logging import configure_logging
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.states import AuditStatus, EmailStatus
from tests.factories import create_tenant
from tests.integration.mailing import configure_smtp, stored_export
from tests.smtp_kit import SmtpSink

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "## Mail throughput"
TARGET = 0.8
SIZE = 50 * 1024  # bytes attached
SUBJECT, BODY = "Ledger statement: Sharma Traders", "Dear Sir,\nPlease find the statement.\nRegards"
Step = Callable[[], Awaitable[None]]


def finished() -> Counter[str]:
    """The service's own count of finished manual emails by outcome (one metric: cheap)."""
    done: Counter[str] = Counter()
    for sample in (s for metric in metrics.EMAILS_FINISHED.collect() for s in metric.samples):
        if sample.name.endswith("_total") and sample.labels["trigger"] == "manual":
            done[sample.labels["outcome"]] += int(sample.value)
    return done


class CountingSink:
    """The `--sink` child's aiosmtpd handler: counts, keeps nothing."""

    connections = count = size = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.count, self.size = self.count + 1, self.size + len(envelope.original_content or b"")
        return "250 OK"

    def connect(self) -> SMTP:
        self.connections += 1
        return SMTP(self, hostname="bench-sink", enable_SMTPUTF8=True, data_size_limit=2**26)


async def serve_sink() -> None:
    """Print the port, answer SIGUSR1 with "connections messages bytes", stop on SIGTERM."""
    sink, loop, stop = CountingSink(), asyncio.get_running_loop(), asyncio.Event()
    server = await loop.create_server(sink.connect, "127.0.0.1", 0)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    stats = lambda: print(sink.connections, sink.count, sink.size, flush=True)  # noqa: E731
    loop.add_signal_handler(signal.SIGUSR1, stats)
    print(server.sockets[0].getsockname()[1], flush=True)
    parent, stopped = os.getppid(), asyncio.ensure_future(stop.wait())
    while not stopped.done() and os.getppid() == parent:  # ends with the bench, even on a crash
        await asyncio.wait([stopped], timeout=0.5)


@dataclass
class Sink:
    proc: asyncio.subprocess.Process
    port: int

    @classmethod
    async def start(cls) -> Sink:
        cmd = [sys.executable, __file__, "--sink"]
        proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE)
        assert proc.stdout is not None
        return cls(proc, int(await proc.stdout.readline()))

    def cpu(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime

    async def stats(self) -> list[int]:
        """[connections, messages, bytes] since it started."""
        assert self.proc.stdout is not None
        self.proc.send_signal(signal.SIGUSR1)
        return [int(value) for value in (await self.proc.stdout.readline()).split()]


@dataclass(frozen=True)
class Run:
    side: str
    emails: int
    seconds: float
    cpu: float  # seconds of this process (user + system): the client side
    sink_cpu: float
    sink: list[int]  # connections opened, messages and bytes received during the run

    @property
    def rate(self) -> float:
        return self.emails / self.seconds

    def cells(self) -> list[str]:
        ms, (connections, _, size) = 1000 / self.emails, self.sink
        cpu = [f"{self.cpu * ms:.2f}", f"{self.sink_cpu * ms:.2f}", f"{size // self.emails:,}"]
        figures = [f"{self.emails:,}", str(connections), f"{self.seconds:.2f}", f"{self.rate:,.1f}"]
        return [self.side, *figures, *cpu]


async def timed(side: str, sink: Sink, n: int, run: Step, prepare: Step | None = None) -> Run:
    before = await sink.stats()
    if prepare is not None:
        await prepare()
    sink_cpu, cpu, started = sink.cpu(), time.process_time(), time.perf_counter()
    await run()
    seconds = time.perf_counter() - started
    cpu, sink_cpu = time.process_time() - cpu, sink.cpu() - sink_cpu
    during = [after - was for after, was in zip(await sink.stats(), before, strict=True)]
    if during[1] != n:
        raise RuntimeError(f"{side}: the sink received {during[1]} messages, not {n}")
    return Run(side, n, seconds, cpu, sink_cpu, during)


async def bare_run(sink: Sink, message: Any, n: int, warm: int) -> Run:
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=sink.port, start_tls=False, timeout=30)
    await client.connect()
    for _ in range(warm):
        await client.send_message(message)

    async def loop() -> None:
        for _ in range(n):
            await client.send_message(message)

    try:
        return await timed("bare loop", sink, n, loop)
    finally:
        await client.quit()


class Bench:
    def __init__(self, tmp: Path) -> None:
        # DATABASE_URL, REDIS_URL and the rest from the environment, as the service reads them
        prefix = f"bench-mail-{uuid.uuid4().hex[:8]}:"
        # The sink listens on loopback, which tenants may not use by default.
        self.settings = Settings(
            app_env="development",
            export_dir=tmp,
            bus_stream_prefix=prefix,
            smtp_allowed_private_hosts="127.0.0.1",
        )
        self.tenant, self.queued = f"bench-mail-{uuid.uuid4().hex[:8]}", 0
        self.stop, self.tasks = asyncio.Event(), list[asyncio.Task[None]]()
        self.infra: Infrastructure | None = None

    async def start(self, port: int) -> Any:
        """Tenant, SMTP settings, the export, the worker; returns the bare loop's message."""
        self.infra = infra = await Infrastructure.connect(self.settings)
        worker, self.deps = build_worker(infra)  # no I/O: close() can rely on it from here on
        await create_tenant(infra.uow(), self.tenant)
        target = SimpleNamespace(host="127.0.0.1", port=port, security="plain", auth=None)
        await configure_smtp(infra, self.tenant, cast("SmtpSink", target))  # CSV: attach
        self.job = await stored_export(infra, self.tenant, "csv", SIZE)
        relay = OutboxRelay(infra.engine, infra.redis, self.settings)
        loops = [consumer.run for consumer in worker.consumers()]  # as `run_worker` does
        for job in (*loops, relay.run):
            self.tasks.append(asyncio.create_task(job(self.stop)))
        path = next(self.settings.export_dir.rglob("*.csv"))
        sender = Sender("reports@example.in", "Sharma & Sons Accounts", "accounts@example.in")
        model = Email(id=uuid.uuid4(), to_addresses=["party@example.in"], cc_addresses=[],
                      subject=SUBJECT, body=BODY, message_id="<bare@example.in>")  # fmt: skip
        part = attachment_part(Attachment(path, "Ledger_Test.csv", "csv"))
        return build_message(model, sender, part)

    async def queue(self, n: int) -> None:
        assert self.infra is not None
        async with self.infra.uow() as uow:
            for _ in range(n):
                new = emails.NewEmail(
                    tenant_id=self.tenant, requested_by="bench", trigger="manual",
                    subject=SUBJECT, body=BODY, to=["party@example.in"], report="ledger",
                    export_job_id=self.job,
                )  # fmt: skip
                emails.create_email(uow, new, message_domain="example.in")
            await uow.commit()
        self.queued += n

    async def wait_sent(self) -> None:
        while (done := finished())[AuditStatus.SENT] < self.queued:
            if done[AuditStatus.FAILED] or any(task.done() for task in self.tasks):
                raise RuntimeError("an email failed or the worker stopped: see mail-service.log")
            await asyncio.sleep(0.005)

    async def service_run(self, sink: Sink, n: int) -> Run:
        return await timed("mail-service", sink, n, self.wait_sent, lambda: self.queue(n))

    async def close(self) -> tuple[str, dict[str, int]]:
        """Stop the worker; the emails' statuses; remove the bench's rows and Redis keys."""
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        if self.infra is not None:
            await self.deps.pool.close()
            await self.infra.close()
        prefix = self.settings.bus_stream_prefix
        conn = await asyncpg.connect(asyncpg_dsn(self.settings.database_url))
        try:
            server = await conn.fetchval("SHOW server_version")
            query = "SELECT status, count(*) FROM emails WHERE tenant_id = $1 GROUP BY status"
            statuses = {row[0]: row[1] for row in await conn.fetch(query, self.tenant)}
            async with conn.transaction():
                await conn.execute("DELETE FROM outbox WHERE left(stream, length($1)) = $1", prefix)
                for table in ("email_audit", "emails", "export_jobs", "email_settings"):
                    await conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", self.tenant)
                await conn.execute("DELETE FROM tenants WHERE id = $1", self.tenant)
        finally:
            await conn.close()
        redis = Redis.from_url(self.settings.redis_url)
        if keys := [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]:
            await redis.delete(*keys)
        await redis.aclose()
        return str(server), statuses


async def bench(args: argparse.Namespace, tmp: Path) -> tuple[list[Run], str, str]:
    sink, work, runs = await Sink.start(), Bench(tmp), list[Run]()
    try:
        message = await work.start(sink.port)
        await work.queue(args.warm_up)  # the worker's connections and SMTP pool, warmed
        await work.wait_sent()
        for _ in range(args.runs):
            runs.append(await bare_run(sink, message, args.emails, args.warm_up))
            runs.append(await work.service_run(sink, args.emails))
    finally:
        try:
            server, statuses = await work.close()
        finally:
            sink.proc.terminate()
            await sink.proc.wait()
    if statuses != {EmailStatus.SENT: work.queued}:
        raise RuntimeError(f"{work.queued} emails queued; in the database: {statuses}")
    return runs, f"Database check: all {work.queued:,} emails queued were `sent`.", server


def report(args: argparse.Namespace, runs: list[Run], check: str, server: str) -> None:
    best = [min((r for r in runs if r.side == side), key=lambda r: r.seconds)
            for side in ("bare loop", "mail-service")]  # fmt: skip
    ratio = best[1].rate / best[0].rate
    verdict = "**PASS**" if ratio >= TARGET else "**MISS**"
    summary = f"Mail-service / bare loop: **{ratio:.2f}** (target: at least {TARGET}): {verdict}."
    head = ["side (best run)", "emails", "new connections", "seconds", "emails/s", "CPU ms/email"]
    table = [[*head, "sink CPU ms/email", "bytes/message"], ["---", *["---:"] * 7]]
    table += [run.cells() for run in best]
    every = [f"- {r.side}: {r.seconds:.2f} s, {r.rate:,.1f} emails/s, CPU {r.cells()[5]} ms/email"
             for r in runs]  # fmt: skip
    for row in table:
        print(f"{row[0]:<16}" + "".join(f"{cell:>18}" for cell in row[1:]))
    print("", summary, "", *every, "", check, sep="\n")
    if args.no_record:
        return
    # The knobs as the bench's worker read them from the environment.
    service = Settings(app_env="development")
    knobs = ", ".join(
        f"{name.upper()}={getattr(service, name)}"
        for name in ("mail_connections_per_server", "mail_concurrent_batches", "bus_batch_size")
    )
    setup = (
        f"`bench/bench_mail.py --emails {args.emails} --runs {args.runs}` on {date.today()}: "
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python {platform.python_version()}, "
        f"PostgreSQL {server}, aiosmtplib {version('aiosmtplib')}, aiosmtpd {version('aiosmtpd')}; "
        f"load average {args.load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (shared "
        "machine). Set-up: see the script's docstring. Both sides send to the same counting sink "
        "process: the bare loop over one connection, the mail-service with its settings "
        f"({knobs}), its connections opened during the warm-up (`new connections`: opened "
        "during the run). CPU: the bench process's (user + system: the client side) and the sink's."
    )
    lines = [SECTION, "", setup, "", *("| " + " | ".join(row) + " |" for row in table), ""]
    section = "\n".join([*lines, summary, "", "Every run:", "", *every, "", check]) + "\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):  # our section, up to the next level-2 heading; others are kept
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")
    print(f"recorded in {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3, help="runs per side; the best one counts")
    parser.add_argument("--warm-up", type=int, default=20, help="untimed sends before the runs")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--sink", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        return asyncio.run(serve_sink())
    args.load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-mail-") as tmp:
        configure_logging("mail-service", "INFO", "json")  # as the service logs, to a file
        with (Path(tmp) / "mail-service.log").open("w") as log:
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler):
                    handler.setStream(log)
            runs, check, server = asyncio.run(bench(args, Path(tmp) / "exports"))
    report(args, runs, check, server)


if __name__ == "__main__":
    main()
