"""The month-end burst for bench_scheduler.py: N due schedules at one instant T, turned into runs.

`load` writes the schedules (one INSERT ... SELECT generate_series); `reset` puts the due ones
back at T with no runs, no outbox rows and an empty stream. Three ways through the same burst:
- `ticker`: the real `tick(uow, settings, now=T)` in one or two Infrastructures at once
  (asyncio.gather) until each returns. The relays either start once the ticks returned
  (`relays_alongside=False`: the tick's own speed, then the relay's drain alone) or run from
  the start next to the ticks, as in the service process (`True`), with OUTBOX_BATCH_SIZE or
  another relay batch. Either way the clock stops when every `schedule.run_due` is in the
  stream (XLEN).
- `pure_sql`: the floor. The same due query and batches (`SCHEDULER_TICK_BATCH`, one
  transaction each, one at a time), the same rows (a run, an outbox row, the moved
  `next_run_at`) written by one SQL statement per batch that computes everything in
  PostgreSQL (`next_run_at + 1 day`; no cron), no Python per schedule at all. Its outbox rows
  are counted, not published.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from scheduler_service.ticker import tick

from shared.domain.recurrence import next_run
from shared.events import Streams
from shared.infra.bus import OutboxRelay
from shared.infra.runtime import Infrastructure
from shared.states import RunStatus

ZONE = "Asia/Kolkata"
LATER = ["30 18 * * *", "0 10 * * 1-5", "0 8 * * 1", "0 10 1 * *", "30 17 L * *",
         "0 11 * * 5L", "15 9 * * 1-6", "45 7 * * *", "0 18 * * 5", "0 9 * * 1"]  # fmt: skip
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
# One batch of the pure-SQL floor: lock, insert the runs, their events, move the schedules.
PURE_SQL_BATCH = """
WITH due AS (
  SELECT id, tenant_id, next_run_at FROM report_schedules
  WHERE enabled AND next_run_at <= $1
    AND tenant_id NOT IN (SELECT id FROM tenants WHERE disabled_at IS NOT NULL)
  ORDER BY next_run_at LIMIT $2 FOR UPDATE SKIP LOCKED),
runs AS (
  INSERT INTO schedule_runs (id, tenant_id, schedule_id, idempotency_key, trigger, scheduled_for,
                             status)
  SELECT gen_random_uuid(), tenant_id, id, id || ':' || next_run_at, 'scheduled', next_run_at,
         'pending' FROM due
  ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, tenant_id, idempotency_key),
events AS (
  INSERT INTO outbox (stream, payload)
  SELECT $3, jsonb_build_object('type', 'ScheduleRunDue', 'event_id', gen_random_uuid(),
         'occurred_at', now(), 'tenant_id', tenant_id, 'correlation_id', 'bench',
         'run_id', id, 'idempotency_key', idempotency_key) FROM runs)
UPDATE report_schedules s SET next_run_at = due.next_run_at + interval '1 day'
FROM due WHERE s.id = due.id
"""
RUNS = """SELECT count(*) FILTER (WHERE status = $3 AND scheduled_for = $2),
                 count(*) FILTER (WHERE status <> $3 OR scheduled_for <> $2)
          FROM schedule_runs WHERE tenant_id = $1"""
MINE = "SELECT count(*) FROM outbox WHERE left(stream, length($1)) = $1"


@dataclass
class Burst:
    """One pass through the burst. cpu_s: this process's CPU until the ticks returned; stray:
    runs of the tenant not pending at T; advanced: per ticker (pure SQL: one entry)."""

    label: str
    tick_s: float
    cpu_s: float
    total_s: float
    advanced: list[int]
    runs: int
    events: int
    stray: int
    checks: dict[str, bool] = field(default_factory=dict)


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


async def reset(conn: asyncpg.Connection, infra: Infrastructure, tenant: str, t: datetime) -> None:
    """Back to "N due at T": no runs, no outbox rows, the due schedules at T, an empty stream."""
    prefix = infra.settings.bus_stream_prefix
    await conn.execute("DELETE FROM schedule_runs WHERE tenant_id = $1", tenant)
    await conn.execute("DELETE FROM outbox WHERE left(stream, length($1)) = $1", prefix)
    back = "UPDATE report_schedules SET next_run_at = $2 WHERE tenant_id = $1 AND name LIKE 'due %'"
    await conn.execute(back, tenant, t)
    for table in ("report_schedules", "schedule_runs", "outbox"):
        await conn.execute(f"VACUUM ANALYZE {table}")
    await infra.redis.delete(infra.settings.stream(Streams.SCHEDULE_RUN_DUE))
    await guard(conn, tenant, t + timedelta(seconds=1))


async def _counts(conn: asyncpg.Connection, tenant: str, t: datetime) -> tuple[int, int]:
    runs, stray = await conn.fetchrow(RUNS, tenant, t, RunStatus.PENDING.value)
    return int(runs), int(stray)


async def _stream_filled(infra: Infrastructure, due: int, deadline_s: float) -> None:
    stream, ends = infra.settings.stream(Streams.SCHEDULE_RUN_DUE), time.monotonic() + deadline_s
    while await infra.redis.xlen(stream) < due:
        if time.monotonic() > ends:
            raise SystemExit(f"not every event reached {stream} within {deadline_s} s")
        await asyncio.sleep(0.005)  # polling the stream, bounded by the deadline above


async def ticker(label: str, infras: list[Infrastructure], conn: asyncpg.Connection,
                 tenant: str, t: datetime, due: int, relays_alongside: bool,
                 relay_batch: int | None = None) -> Burst:  # fmt: skip
    """`relay_batch`: the relays' OUTBOX_BATCH_SIZE, when not the setting's."""
    batch = {"outbox_batch_size": relay_batch} if relay_batch else {}
    relays = [OutboxRelay(i.engine, i.redis, i.settings.model_copy(update=batch)) for i in infras]
    stop = asyncio.Event()
    running = [asyncio.create_task(r.run(stop)) for r in relays] if relays_alongside else []
    await asyncio.sleep(0.2)  # let the relays LISTEN and find the outbox empty first
    started, cpu = time.perf_counter(), time.process_time()
    advanced = await asyncio.gather(*(tick(i.uow, i.settings, now=t) for i in infras))
    tick_s, cpu_s = time.perf_counter() - started, time.process_time() - cpu
    if not relays_alongside:
        while await conn.fetchval(MINE, infras[0].settings.bus_stream_prefix):
            await asyncio.gather(*(relay.publish_pending() for relay in relays))
    await _stream_filled(infras[0], due, deadline_s=120)
    total_s = time.perf_counter() - started
    stop.set()
    await asyncio.gather(*running)
    runs, stray = await _counts(conn, tenant, t)
    xlen = await infras[0].redis.xlen(infras[0].settings.stream(Streams.SCHEDULE_RUN_DUE))
    return Burst(label, tick_s, cpu_s, total_s, list(advanced), runs, xlen, stray)


async def pure_sql(infra: Infrastructure, conn: asyncpg.Connection, tenant: str, t: datetime
                   ) -> Burst:  # fmt: skip
    settings = infra.settings
    stream = settings.stream(Streams.SCHEDULE_RUN_DUE)
    started, advanced = time.perf_counter(), 0
    while moved := int((await conn.execute(PURE_SQL_BATCH, t, settings.scheduler_tick_batch,
                                           stream)).split()[-1]):  # fmt: skip
        advanced += moved
    elapsed = time.perf_counter() - started
    runs, stray = await _counts(conn, tenant, t)
    events = await conn.fetchval(MINE, settings.bus_stream_prefix)
    return Burst("pure SQL", elapsed, 0.0, elapsed, [advanced], runs, events, stray)
