"""Scheduler at scale: 100,000 enabled schedules, 10,000 of them due in one instant.

Measure 1: the real `tick(uow, settings, now=T)` until it returns (every run exists), then
`OutboxRelay.publish_pending()` until the bench's outbox rows are gone (XLEN must be 10,000);
one ticker, then (runs deleted, schedules back at T) two: two Infrastructures, asyncio.gather.
Measure 2: idle ticks (nothing due), 100,000 schedules vs 100 in a scratch database
(`ledgerpost_bench_sched_small`, dropped at the end), alternating rounds, right after the burst
and after VACUUM; EXPLAIN (ANALYZE, BUFFERS) of the ticker's due query on the big table.
T is the next half-hour slot 15+ minutes ahead, so a scheduler ticking on the real clock leaves
the bench alone; the bench refuses to run if another tenant's schedule is due by T (the tick is
not tenant-scoped). Scratch tenant and stream prefix, removed at the end with their rows/keys.

    .venv/bin/python bench/bench_scheduler.py [--schedules 100000] [--due 10000] [--idle 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from redis.asyncio import Redis
from results_file import record_section
from scheduler_service.ticker import tick
from sqlalchemy import select
from sqlalchemy.engine import make_url

from shared.domain.recurrence import next_run
from shared.events import Streams
from shared.infra.bus import OutboxRelay
from shared.infra.db import asyncpg_dsn
from shared.infra.db.models import ReportSchedule
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.states import RunStatus
from shared.tools.migrate import upgrade

SECTION = "## Scheduler"
SMALL_DB = "ledgerpost_bench_sched_small"
ZONE = "Asia/Kolkata"
LATER = ["30 18 * * *", "0 10 * * 1-5", "0 8 * * 1", "0 10 1 * *", "30 17 L * *",
         "0 11 * * 5L", "15 9 * * 1-6", "45 7 * * *", "0 18 * * 5", "0 9 * * 1"]  # fmt: skip
BURST_TARGET = 60.0  # seconds; assumed, the issue names none: a slot's reports out within 1 min
INSERT = """
INSERT INTO report_schedules (id, tenant_id, owner, owner_email, name, report, format, params,
                              cron, timezone, recipients, enabled, next_run_at)
SELECT gen_random_uuid(), $1, 'u' || g % 50, 'owner' || g % 50 || '@example.in',
       CASE WHEN d THEN 'due ' ELSE 'later ' END || g, 'ledger', (ARRAY['csv', 'xlsx'])[1 + g % 2],
       jsonb_build_object('ledger', 'Party ' || g % 997, 'period', 'last_month'),
       CASE WHEN d THEN ($5::text[])[1 + g % cardinality($5)]
            ELSE ($6::text[])[1 + g % cardinality($6)] END, 'Asia/Kolkata',
       jsonb_build_object('to', jsonb_build_array('party' || g || '@example.in'), 'cc', '[]'::jsonb,
                          'bcc', '[]'::jsonb), true,
       CASE WHEN d THEN $7 ELSE ($8::timestamptz[])[1 + g % cardinality($8)] END
FROM generate_series(1, $2) AS g, LATERAL (SELECT $3 > 0 AND g % $4 = 0 AND g <= $3 * $4 AS d) x
"""
RUNS = """SELECT count(*) FILTER (WHERE status = $3 AND scheduled_for = $2),
                 count(*) FILTER (WHERE status <> $3 OR scheduled_for <> $2)
          FROM schedule_runs WHERE tenant_id = $1"""
MINE = "SELECT count(*) FROM outbox WHERE left(stream, length($1)) = $1"
Times = dict[str, list[float]]
PLANS = ("plan_idle", "plan_vacuumed")


@dataclass
class Burst:  # cpu_s: this process's during the tick; stray: runs of the tenant not pending at T
    label: str
    tick_s: float
    cpu_s: float
    total_s: float
    advanced: list[int]
    runs: int
    xlen: int
    stray: int


def next_slot() -> datetime:
    return next_run("*/30 * * * *", ZONE, datetime.now(UTC) + timedelta(minutes=15))


def crons(t: datetime) -> tuple[list[str], list[str]]:
    """Crons that fire at T (in Kolkata), and crons that do not."""
    local = t.astimezone(ZoneInfo(ZONE))
    m, h, day, dow = local.minute, local.hour, local.day, local.isoweekday() % 7
    due = [f"{m} {h} * * *", f"{m} {h} * * {dow}", f"{m} {h} {day} * *", "*/30 * * * *",
           "*/15 * * * *", f"{m} {h},{(h + 5) % 24} * * *"]  # fmt: skip
    before = t - timedelta(minutes=1)
    assert all(next_run(c, ZONE, before) == t for c in due)
    return due, [c for c in LATER if next_run(c, ZONE, before) != t]


async def guard(conn: asyncpg.Connection, tenant: str, at: datetime) -> None:
    query = "SELECT count(*) FROM report_schedules WHERE enabled AND next_run_at <= $1 "
    if others := await conn.fetchval(query + "AND tenant_id <> $2", at, tenant):
        raise SystemExit(f"{others} other schedules in this database are due by {at}: refusing")


async def load(conn: asyncpg.Connection, tenant: str, n: int, due: int, t: datetime) -> float:
    due_crons, later_crons = crons(t)
    later = [next_run(c, ZONE, t) for c in later_crons]
    started = time.perf_counter()
    step = n // due if due else 1
    await conn.execute(INSERT, tenant, n, due, step, due_crons, later_crons, t, later)
    await conn.execute("VACUUM ANALYZE report_schedules")
    return time.perf_counter() - started


async def explain(conn: asyncpg.Connection, now: datetime, infra: Infrastructure) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the ticker's statement, built the same way."""
    due = ReportSchedule.enabled.is_(True), ReportSchedule.next_run_at <= now
    stmt = select(ReportSchedule).where(*due).order_by(ReportSchedule.next_run_at)
    stmt = stmt.limit(infra.settings.scheduler_tick_batch).with_for_update(skip_locked=True)
    compiled = stmt.compile(dialect=infra.engine.dialect)
    sql, args = compiled.string, [compiled.params[k] for k in compiled.positiontup or []]
    transaction = conn.transaction()
    await transaction.start()  # FOR UPDATE locks rows: rolled back below
    try:
        return [row[0] for row in await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)]
    finally:
        await transaction.rollback()


async def burst(label: str, infras: list[Infrastructure], conn: asyncpg.Connection,
                tenant: str, t: datetime) -> Burst:  # fmt: skip
    settings = infras[0].settings
    relays = [OutboxRelay(infra.engine, infra.redis, infra.settings) for infra in infras]
    started, cpu = time.perf_counter(), time.process_time()
    advanced = await asyncio.gather(*(tick(i.uow, i.settings, now=t) for i in infras))
    tick_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    while await conn.fetchval(MINE, settings.bus_stream_prefix):
        await asyncio.gather(*(relay.publish_pending() for relay in relays))
    total_s = time.perf_counter() - started
    runs, stray = await conn.fetchrow(RUNS, tenant, t, RunStatus.PENDING.value)
    xlen = await infras[0].redis.xlen(settings.stream(Streams.SCHEDULE_RUN_DUE))
    return Burst(label, tick_s, cpu_s, total_s, list(advanced), runs, xlen, stray)


async def reset(conn: asyncpg.Connection, redis: Redis, stream: str, tenant: str, t: datetime
                ) -> None:  # fmt: skip
    """Back to "10,000 due at T": no runs, the due schedules at T, vacuumed, empty stream."""
    await conn.execute("DELETE FROM schedule_runs WHERE tenant_id = $1", tenant)
    back = "UPDATE report_schedules SET next_run_at = $2 WHERE tenant_id = $1 AND name LIKE 'due %'"
    await conn.execute(back, tenant, t)
    for table in ("report_schedules", "schedule_runs", "outbox"):
        await conn.execute(f"VACUUM ANALYZE {table}")
    await redis.delete(stream)


async def idle_tick(infra: Infrastructure, at: datetime) -> float:
    started = time.perf_counter()
    assert not await tick(infra.uow, infra.settings, now=at), "an idle tick advanced schedules"
    return time.perf_counter() - started


async def idle(sides: dict[str, Infrastructure], calls: int, at: datetime) -> Times:
    """The first call of each side, 5 warm-ups each, then alternating rounds of 10 calls."""
    times: Times = {f"{name} first": [await idle_tick(i, at)] for name, i in sides.items()}
    for _ in range(5):
        for infra in sides.values():
            await idle_tick(infra, at)
    times |= {name: [] for name in sides}
    while len(times[next(iter(sides))]) < calls:
        for name, infra in sides.items():
            times[name] += [await idle_tick(infra, at) for _ in range(min(10, calls))]
    return times


async def holders(conn: asyncpg.Connection) -> tuple[int, float]:
    """Other sessions in this database holding a snapshot (they keep dead rows alive)."""
    row = await conn.fetchrow(
        "SELECT count(*), coalesce(max(extract(epoch FROM now() - xact_start)), 0)::float "
        "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
        "AND backend_xmin IS NOT NULL"
    )
    return int(row[0]), float(row[1])


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:8]
    tenant, prefix = f"bench-sched-{tag}", f"bench-sched-{tag}:"
    settings = Settings(app_env="development", bus_stream_prefix=prefix)
    small_url = make_url(settings.database_url).set(database=SMALL_DB)
    small = settings.model_copy(update={"database_url": small_url.render_as_string(False)})
    conn = await asyncpg.connect(asyncpg_dsn(settings.database_url))
    infras: list[Infrastructure] = []
    t = next_slot()
    at = t + timedelta(seconds=1)  # the due ones have moved on, the rest are later
    out: dict[str, Any] = {"t": t, "server": await conn.fetchval("SHOW server_version")}
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {SMALL_DB} WITH (FORCE)")
        await guard(conn, tenant, at)
        out["load_s"] = await load(conn, tenant, args.schedules, args.due, t)
        out["rows"] = await conn.fetchval("SELECT count(*) FROM report_schedules")
        infras = [await Infrastructure.connect(settings) for _ in range(2)]
        out["plan_due"] = await explain(conn, t, infras[0])
        await guard(conn, tenant, at)
        out["bursts"] = [await burst("one ticker", infras[:1], conn, tenant, t)]
        await reset(conn, infras[0].redis, settings.stream(Streams.SCHEDULE_RUN_DUE), tenant, t)
        await guard(conn, tenant, at)
        out["bursts"].append(await burst("two tickers", infras, conn, tenant, t))
        await upgrade(small.database_url)
        small_conn = await asyncpg.connect(asyncpg_dsn(small.database_url))
        try:
            await load(small_conn, tenant, args.small, 0, t)
            out["small_rows"] = await small_conn.fetchval("SELECT count(*) FROM report_schedules")
        finally:
            await small_conn.close()
        infras.append(await Infrastructure.connect(small))
        out["holders"] = await holders(conn)
        out["idle"] = await idle({"big": infras[0], "small": infras[2]}, args.idle, at)
        out["plan_idle"] = await explain(conn, at, infras[0])
        await conn.execute("VACUUM report_schedules")
        sides = {"big vacuumed": infras[0], "small 2": infras[2]}
        out["idle"] |= await idle(sides, args.idle, at)
        out["plan_vacuumed"] = await explain(conn, at, infras[0])
    finally:
        for infra in infras:
            await infra.close()
        await conn.execute("DELETE FROM outbox WHERE left(stream, length($1)) = $1", prefix)
        for table in ("schedule_runs", "report_schedules"):
            await conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", tenant)
        await conn.execute(f"DROP DATABASE IF EXISTS {SMALL_DB} WITH (FORCE)")
        await conn.close()
        redis = Redis.from_url(settings.redis_url)
        if keys := [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]:
            await redis.delete(*keys)
        await redis.aclose()
    return out


def table(args: argparse.Namespace, out: dict[str, Any]) -> list[list[str]]:
    ms = {name: statistics.median(values) * 1000 for name, values in out["idle"].items()}
    plans = [*out["plan_idle"], *out["plan_vacuumed"], *out["plan_due"]]
    index = "Index Scan using ix_report_schedules_due"
    scan_ok = not any("Seq Scan" in line for line in plans) and any(index in p for p in plans)
    rows = [["measure", "figure", "target", "verdict"], ["---", "---:", "---", "---"]]
    for b in out["bursts"]:
        ok = b.runs == b.xlen == sum(b.advanced) == args.due and not b.stray
        split = " + ".join(f"{n:,}" for n in b.advanced)
        rows += [
            [f"{b.label}: every run exists (tick returns)",
             f"{b.tick_s:.2f} s, {args.due / b.tick_s:,.0f} runs/s (CPU {b.cpu_s:.2f} s)", "", ""],
            [f"{b.label}: ... and every `schedule.run_due` in the stream",
             f"{b.total_s:.2f} s, {args.due / b.total_s:,.0f} runs/s",
             f"<= {BURST_TARGET:.0f} s (assumed)", "PASS" if b.total_s <= BURST_TARGET else "MISS"],
            [f"{b.label}: advanced / runs / XLEN / stray runs",
             f"{split} / {b.runs:,} / {b.xlen:,} / {b.stray}",
             f"{args.due:,} each, 0 stray", "PASS" if ok else "MISS"],
        ]  # fmt: skip
    passes = ("big", "small", "right after the burst"), ("big vacuumed", "small 2", "after VACUUM")
    for big, small, when in passes:
        ratio, gap = ms[big] / ms[small], ms[big] - ms[small]
        rows += [
            [f"idle tick {when}: {out['rows']:,} schedules (median of {args.idle})",
             f"{ms[big]:.2f} ms (first call {ms[big + ' first']:.2f} ms)", "", ""],
            [f"idle tick {when}: {out['small_rows']:,} schedules (median of {args.idle})",
             f"{ms[small]:.2f} ms (first call {ms[small + ' first']:.2f} ms)", "", ""],
            [f"idle tick {when}: big / small", f"{ratio:.2f}x ({gap:+.2f} ms)",
             "<= 2x or within 1 ms", "PASS" if ratio <= 2 or abs(gap) <= 1 else "MISS"],
        ]  # fmt: skip
    verdict = "PASS" if scan_ok else "MISS"
    rows.append(["due query plans (big table)", "Index Scan" if scan_ok else "not an Index Scan",
                 f"{index}, no Seq Scan", verdict])  # fmt: skip
    return rows


def report(args: argparse.Namespace, out: dict[str, Any]) -> None:
    t, (count, oldest) = out["t"], out["holders"]
    spread = [f"{k} p10 {sorted(v)[len(v) // 10] * 1000:.2f} / p90 "
              f"{sorted(v)[len(v) * 9 // 10] * 1000:.2f} ms"
              for k, v in out["idle"].items() if len(v) > 1]  # fmt: skip
    buffers = [next((x.strip() for x in out[k] if "Buffers" in x), "?") for k in PLANS]
    notes = [f"Idle tick spread: {'; '.join(spread)}.", "",
             f"Idle due query, top node: {buffers[0]} right after the burst, {buffers[1]} after "
             f"VACUUM. Other sessions in this database holding a snapshot when the idle ticks "
             f"started: {count} (oldest transaction {oldest:.0f} s): while one older than the "
             "burst is open, the dead index entries the burst left cannot be skipped or vacuumed.",
             "", f"Due query at T ({args.due:,} due), EXPLAIN (ANALYZE, BUFFERS), first lines:", "",
             "```", *out["plan_due"][:6], "```", "",
             "The same with nothing due (idle tick, right after the burst):", "",
             "```", *out["plan_idle"][:6], "```"]  # fmt: skip
    setup = (
        f"`bench/bench_scheduler.py --schedules {args.schedules} --due {args.due} --idle "
        f"{args.idle}` on {date.today()}: {len(os.sched_getaffinity(0))} CPUs (nproc), Python "
        f"{platform.python_version()}, PostgreSQL {out['server']}; load average {args.load:.1f} "
        f"at the start (shared machine). {args.schedules:,} enabled schedules loaded in "
        f"{out['load_s']:.2f} s (INSERT ... SELECT generate_series, VACUUM ANALYZE); {args.due:,}"
        f" due at T = {t:%Y-%m-%d %H:%M} UTC ({t.astimezone(ZoneInfo(ZONE)):%H:%M} Asia/Kolkata)."
        " Ticker batch 500, relay batch 100; the relay starts once the tick returned. Two "
        "tickers: two Infrastructure instances (and two relays) in one process, asyncio.gather."
    )
    rows = ["| " + " | ".join(row) + " |" for row in table(args, out)]
    body = [SECTION, "", setup, "", *rows, "", *notes]
    print("\n".join(body[2:]))
    if args.no_record:
        return
    section = "\n".join(body) + "\n"
    record_section(SECTION, section)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--schedules", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000, help="due at the same instant")
    parser.add_argument("--small", type=int, default=100, help="schedules in the small database")
    parser.add_argument("--idle", type=int, default=50, help="idle ticks timed on each side")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    args.load = os.getloadavg()[0]
    report(args, asyncio.run(bench(args)))


if __name__ == "__main__":
    main()
