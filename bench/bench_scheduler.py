"""Scheduler at scale: 100,000 enabled schedules, 10,000 of them due in one instant.

Measure 1, the burst (see `_scheduler_burst.py`), in rounds (`--rounds`, default 3); each round
runs, in an order that rotates from round to round, the pure-SQL floor, one ticker, two
tickers (relays after the ticks), and one ticker with its relay alongside as in the service;
each pass starts from the same state (runs deleted, the schedules back at T). Figures: the
median and the range over the rounds, and the ticker's time as a ratio of the pure-SQL floor
of the same round.
Measure 2: idle ticks (nothing due), 100,000 schedules vs 100 in a scratch database
(`ledgerpost_bench_sched_small`, dropped at the end), alternating rounds, right after the burst
and after VACUUM; EXPLAIN (ANALYZE, BUFFERS) of the ticker's due query on the big table.
T is the next half-hour slot 15+ minutes ahead, so a scheduler ticking on the real clock leaves
the bench alone; the bench refuses to run if another tenant's schedule is due by T (the tick is
not tenant-scoped). Scratch tenant and stream prefix, removed at the end with their rows/keys.

    .venv/bin/python bench/bench_scheduler.py [--schedules 100000] [--due 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import _scheduler_burst as burst
import asyncpg
from redis.asyncio import Redis
from results_file import record_section
from scheduler_service.ticker import due_schedules, tick
from sqlalchemy.engine import make_url

from shared.infra.db import asyncpg_dsn
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.tools.migrate import upgrade

SECTION = "## Scheduler"
SMALL_DB = "ledgerpost_bench_sched_small"
BURST_TARGET = 60.0  # seconds; assumed, the issue names none: a slot's reports out within 1 min
RUNS_PER_SECOND_TARGET = 3000.0  # issue 16: a month-end burst at 3,000 runs/s or more
# The per-schedule ticker this replaces, measured by this bench before the change: on
# 2026-12-04 at load average 9 (this section then), and on 2026-12-05 at load average 1.7.
BEFORE = (
    "2026-12-04, load 9: one ticker 18.15 s, 551 runs/s (CPU 9.15 s), two 26.41 s, 379 runs/s; "
    "2026-12-05, load 1.7: one 9.71 s, 1,030 runs/s (CPU 8.08 s), two 8.65 s, 1,156 runs/s"
)
BEFORE_BEST_RATE = 1030.0  # one ticker, the better of the two
Times = dict[str, list[float]]
PLANS = ("plan_idle", "plan_vacuumed")
PASSES = ("pure SQL", "one ticker", "two tickers", "one ticker, relay alongside",
          "one ticker, relay alongside, relay batch 500")  # fmt: skip


async def explain(conn: asyncpg.Connection, now: datetime, infra: Infrastructure) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of the ticker's statement, built the same way."""
    stmt = due_schedules(now, infra.settings.scheduler_tick_batch)
    compiled = stmt.compile(dialect=infra.engine.dialect)
    sql, args = compiled.string, [compiled.params[k] for k in compiled.positiontup or []]
    transaction = conn.transaction()
    await transaction.start()  # FOR UPDATE locks rows: rolled back below
    try:
        return [row[0] for row in await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *args)]
    finally:
        await transaction.rollback()


async def one_pass(name: str, infras: list[Infrastructure], conn: asyncpg.Connection,
                   tenant: str, t: datetime, due: int) -> burst.Burst:  # fmt: skip
    await burst.reset(conn, infras[0], tenant, t)
    if name == "pure SQL":
        return await burst.pure_sql(infras[0], conn, tenant, t)
    tickers = infras[:2] if name.startswith("two") else infras[:1]
    relay_batch = 500 if name.endswith("batch 500") else None
    return await burst.ticker(name, tickers, conn, tenant, t, due, "alongside" in name, relay_batch)


async def rounds(infras: list[Infrastructure], conn: asyncpg.Connection, tenant: str,
                 t: datetime, args: argparse.Namespace) -> list[list[burst.Burst]]:  # fmt: skip
    """Each round runs every pass once, starting one further along PASSES than the last."""
    done = []
    for n in range(args.rounds):
        order = PASSES[n % len(PASSES) :] + PASSES[: n % len(PASSES)]
        found = {name: await one_pass(name, infras, conn, tenant, t, args.due) for name in order}
        done.append([found[name] for name in PASSES])
        print(f"round {n + 1}: " + ", ".join(f"{b.label} {b.tick_s:.2f} s" for b in done[-1]))
    return done


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
    t = burst.next_slot()
    at = t + timedelta(seconds=1)  # the due ones have moved on, the rest are later
    out: dict[str, Any] = {"t": t, "server": await conn.fetchval("SHOW server_version")}
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {SMALL_DB} WITH (FORCE)")
        await burst.guard(conn, tenant, at)
        out["load_s"] = await burst.load(conn, tenant, args.schedules, args.due, t)
        out["rows"] = await conn.fetchval("SELECT count(*) FROM report_schedules")
        infras = [await Infrastructure.connect(settings) for _ in range(2)]
        out["plan_due"] = await explain(conn, t, infras[0])
        out["rounds"] = await rounds(infras, conn, tenant, t, args)
        await upgrade(small.database_url)
        small_conn = await asyncpg.connect(asyncpg_dsn(small.database_url))
        try:
            await burst.load(small_conn, tenant, args.small, 0, t)
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


def spread(values: list[float], fmt: str) -> str:
    """The median, and the range over the rounds."""
    return f"{statistics.median(values):{fmt}} ({min(values):{fmt}} to {max(values):{fmt}})"


def burst_rows(args: argparse.Namespace, done: list[list[burst.Burst]]) -> list[list[str]]:
    by_pass = {name: [r[i] for r in done] for i, name in enumerate(PASSES)}
    floor = by_pass["pure SQL"]
    n, due = len(done), args.due
    rows = [[f"pure SQL floor: the same batches and rows, no Python (median of {n} rounds)",
             f"{spread([b.tick_s for b in floor], '.2f')} s, "
             f"{spread([due / b.tick_s for b in floor], ',.0f')} runs/s", "", ""]]  # fmt: skip
    for name in PASSES[1:]:
        passes = by_pass[name]
        rate = [due / b.tick_s for b in passes]
        ratio = [b.tick_s / f.tick_s for b, f in zip(passes, floor, strict=True)]
        ok = sum(b.runs == b.events == sum(b.advanced) == due and not b.stray for b in passes)
        per_ticker = " + ".join(f"{x:,}" for x in passes[-1].advanced)
        rate_ok = statistics.median(rate) >= RUNS_PER_SECOND_TARGET
        total_ok = max(b.total_s for b in passes) <= BURST_TARGET
        rows += [
            [f"{name}: every run exists (tick returns)",
             f"{spread([b.tick_s for b in passes], '.2f')} s, {spread(rate, ',.0f')} runs/s; "
             f"CPU {statistics.median([b.cpu_s for b in passes]):.2f} s",
             f">= {RUNS_PER_SECOND_TARGET:,.0f} runs/s (median)", "PASS" if rate_ok else "MISS"],
            [f"{name}: time / pure SQL floor's, same round", f"{spread(ratio, '.2f')}x", "", ""],
            [f"{name}: ... and every `schedule.run_due` in the stream",
             f"{spread([b.total_s for b in passes], '.2f')} s; after the last tick returned "
             f"{spread([b.total_s - b.tick_s for b in passes], '.2f')} s",
             f"<= {BURST_TARGET:.0f} s (assumed)", "PASS" if total_ok else "MISS"],
            [f"{name}: runs = XLEN = advanced = {due:,}, no stray run",
             f"{ok} of {n} rounds (last: {per_ticker})", f"{n} of {n}",
             "PASS" if ok == n else "MISS"],
        ]  # fmt: skip
    one = statistics.median([due / b.tick_s for b in by_pass["one ticker"]])
    rows.append(["before: the per-schedule ticker, one schedule at a time", BEFORE, "",
                 f"one ticker now {one / BEFORE_BEST_RATE:.1f}x its best runs/s"])  # fmt: skip
    return rows


def table(args: argparse.Namespace, out: dict[str, Any]) -> list[list[str]]:
    ms = {name: statistics.median(values) * 1000 for name, values in out["idle"].items()}
    plans = [*out["plan_idle"], *out["plan_vacuumed"], *out["plan_due"]]
    index = "Index Scan using ix_report_schedules_due"
    # The disabled tenants' list is a hashed subplan over the small tenants table: a Seq Scan
    # there is read once per query; one on report_schedules would grow with the table.
    seq = "Seq Scan on report_schedules"
    scan_ok = not any(seq in line for line in plans) and any(index in p for p in plans)
    rows = [["measure", "figure", "target", "verdict"], ["---", "---:", "---", "---"]]
    rows += burst_rows(args, out["rounds"])
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
                 f"{index}, no {seq}", verdict])  # fmt: skip
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
        f"`bench/bench_scheduler.py --schedules {args.schedules} --due {args.due} --rounds "
        f"{args.rounds} --idle {args.idle}` on {date.today()}: "
        f"{len(os.sched_getaffinity(0))} CPUs (nproc), Python "
        f"{platform.python_version()}, PostgreSQL {out['server']}; load average {args.load:.1f} "
        f"at the start (shared machine). {args.schedules:,} enabled schedules loaded in "
        f"{out['load_s']:.2f} s (INSERT ... SELECT generate_series, VACUUM ANALYZE); {args.due:,}"
        f" due at T = {t:%Y-%m-%d %H:%M} UTC "
        f"({t.astimezone(ZoneInfo(burst.ZONE)):%H:%M} Asia/Kolkata), in {len(burst.crons(t)[0])} "
        f"(cron, timezone) groups. Ticker batch {args.batch}, {args.concurrent} batches at once "
        f"(SCHEDULER_CONCURRENT_BATCHES); relay batch {args.relay_batch} unless named. "
        "Two tickers: two Infrastructure instances (and two relays) in one process, "
        "asyncio.gather. The relay starts once the ticks returned, except in the pass with the "
        "relay alongside, where it runs from the start as in the service's process."
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
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the burst passes")
    parser.add_argument("--idle", type=int, default=50, help="idle ticks timed on each side")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    args.load = os.getloadavg()[0]
    defaults = Settings(app_env="development")
    args.batch, args.relay_batch = defaults.scheduler_tick_batch, defaults.outbox_batch_size
    args.concurrent = defaults.scheduler_concurrent_batches
    report(args, asyncio.run(bench(args)))


if __name__ == "__main__":
    main()
