"""A month-end burst through the set-based ticker: two tickers at once, several recurrences and
timezones (IST, and London and New York with daylight saving), late schedules caught up, and a
slot that already has its run. Every due schedule gets exactly one run per slot, every pending
run exactly one event, and the rest of the table is left alone."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from scheduler_service.ticker import tick
from sqlalchemy import delete, func, insert, select

from shared.domain.recurrence import next_run
from shared.domain.schedules import slot_key
from shared.events import Streams
from shared.infra.db.models import OutboxMessage, ReportSchedule, ScheduleRun
from shared.infra.runtime import Infrastructure

# 09:00 in Kolkata on the 1st of March 2026; before any other test's schedules fall due, so the
# (not tenant-scoped) tick sees only this test's. New York is on EST until 8 March, London on
# GMT until 29 March.
NOW = datetime(2026, 3, 1, 3, 30, tzinfo=UTC)
ON_TIME = [
    ("0 9 1 * *", "Asia/Kolkata"),  # the month-end statement
    ("0 9 * * *", "Asia/Kolkata"),
    ("*/15 * * * *", "Asia/Kolkata"),
    ("30 22 * * *", "America/New_York"),  # 22:30 EST on 28 February
    ("30 3 1 * *", "Europe/London"),  # next on 1 April, in BST: 02:30 UTC
]
LATE = ("0 * * * *", "Asia/Kolkata", NOW - timedelta(hours=3))  # a missed slot, then NOW runs
LATER = ("0 10 * * *", "Asia/Kolkata", NOW + timedelta(hours=1))  # not due: untouched
PER_GROUP = 60


async def add_schedules(infra: Infrastructure, tenant_id: str, rows: list[tuple[str, str, datetime]]
                        ) -> list[uuid.UUID]:  # fmt: skip
    ids = [uuid.uuid4() for _ in rows]
    values = [
        {"id": id_, "tenant_id": tenant_id, "owner": "u1", "name": f"s{n}", "report": "ledger",
         "format": "csv", "params": {"ledger": "X", "period": "last_month"}, "cron": cron,
         "timezone": zone, "recipients": {"to": ["a@example.in"]}, "enabled": True,
         "next_run_at": slot}
        for n, (id_, (cron, zone, slot)) in enumerate(zip(ids, rows, strict=True))
    ]  # fmt: skip
    async with infra.uow() as uow:
        await uow.session.execute(insert(ReportSchedule), values)
        await uow.commit()
    return ids


@pytest.fixture
async def burst_tenant(infra: Infrastructure, tenant_id: str) -> AsyncIterator[str]:
    yield tenant_id
    # Schedules left at a past next_run_at would be taken by later tests' tickers.
    async with infra.uow() as uow:
        await uow.session.execute(
            delete(ReportSchedule).where(ReportSchedule.tenant_id == tenant_id)
        )
        await uow.commit()


async def test_two_tickers_give_every_due_schedule_one_run_per_slot(
    infra: Infrastructure, burst_tenant: str
) -> None:
    on_time = [(cron, zone, NOW) for cron, zone in ON_TIME for _ in range(PER_GROUP)]
    rows = [*on_time, *[LATE] * PER_GROUP, *[LATER] * PER_GROUP]
    ids = await add_schedules(infra, burst_tenant, rows)
    expected = dict(zip(ids, rows, strict=True))
    small_batches = infra.settings.model_copy(update={"scheduler_tick_batch": 25})
    at = NOW + timedelta(seconds=5)

    advanced = await asyncio.gather(*(tick(infra.uow, small_batches, at) for _ in range(2)))

    assert sum(advanced) == len(rows) - PER_GROUP and all(advanced)
    assert await tick(infra.uow, small_batches, at) == 0
    run_columns = (ScheduleRun.id, ScheduleRun.schedule_id, ScheduleRun.scheduled_for,
                   ScheduleRun.status, ScheduleRun.idempotency_key)  # fmt: skip
    async with infra.sessions() as session:
        runs = (
            await session.execute(select(*run_columns).where(ScheduleRun.tenant_id == burst_tenant))
        ).all()
        next_runs = select(ReportSchedule.id, ReportSchedule.next_run_at)
        schedules = dict(
            (await session.execute(next_runs.where(ReportSchedule.tenant_id == burst_tenant))).all()
        )
        stream = infra.settings.stream(Streams.SCHEDULE_RUN_DUE)
        events = await session.scalars(
            select(OutboxMessage.payload).where(OutboxMessage.stream == stream)
        )
        announced = Counter(uuid.UUID(event["run_id"]) for event in events)
    pending = [run for run in runs if run.status == "pending"]
    missed = [run for run in runs if run.status == "missed"]
    assert Counter(run.schedule_id for run in pending) == Counter(
        id_ for id_, (_, _, slot) in expected.items() if slot <= NOW
    )
    assert all(run.scheduled_for == NOW for run in pending)
    assert all(run.idempotency_key == slot_key(run.schedule_id, NOW) for run in pending)
    assert sorted((r.schedule_id, r.scheduled_for) for r in missed) == sorted(
        (id_, LATE[2]) for id_, row in expected.items() if row == LATE
    )
    assert announced == Counter(run.id for run in pending)
    for id_, (cron, zone, slot) in expected.items():
        assert schedules[id_] == (next_run(cron, zone, at) if slot <= NOW else slot)
    moved = {zone: schedules[id_] for id_, (_, zone, slot) in expected.items() if slot == NOW}
    assert moved["Europe/London"] == datetime(2026, 4, 1, 2, 30, tzinfo=UTC)


async def test_a_slot_that_has_its_run_already_gets_no_second_one(
    infra: Infrastructure, burst_tenant: str
) -> None:
    [schedule] = await add_schedules(infra, burst_tenant, [("0 9 1 * *", "Asia/Kolkata", NOW)])
    async with infra.uow() as uow:
        uow.session.add(
            ScheduleRun(tenant_id=burst_tenant, schedule_id=schedule, trigger="scheduled",
                        idempotency_key=slot_key(schedule, NOW), scheduled_for=NOW)
        )  # fmt: skip
        await uow.commit()

    assert await tick(infra.uow, infra.settings, NOW) == 1

    async with infra.sessions() as session:
        runs = await session.scalar(select(func.count()).where(ScheduleRun.schedule_id == schedule))
        events = await session.scalar(
            select(func.count()).where(
                OutboxMessage.stream == infra.settings.stream(Streams.SCHEDULE_RUN_DUE)
            )
        )
        moved = await session.scalar(
            select(ReportSchedule.next_run_at).where(ReportSchedule.id == schedule)
        )
    assert (runs, events) == (1, 0)
    assert moved == datetime(2026, 4, 1, 3, 30, tzinfo=UTC)


async def test_a_schedule_whose_recurrence_fails_is_paused_and_the_others_advance(
    infra: Infrastructure, burst_tenant: str
) -> None:
    broken, fine = await add_schedules(
        infra,
        burst_tenant,
        [("0 9 1 * *", "Mars/Olympus", NOW), ("0 9 1 * *", "Asia/Kolkata", NOW)],
    )

    assert await tick(infra.uow, infra.settings, NOW) == 2

    async with infra.sessions() as session:
        rows = {
            row.id: row
            for row in await session.scalars(
                select(ReportSchedule).where(ReportSchedule.id.in_([broken, fine]))
            )
        }
        runs = Counter(
            await session.scalars(
                select(ScheduleRun.schedule_id).where(ScheduleRun.tenant_id == burst_tenant)
            )
        )
    assert (rows[broken].enabled, rows[broken].next_run_at) == (False, None)
    reason = rows[broken].paused_reason
    assert reason is not None and reason.startswith("paused: its recurrence cannot be computed")
    assert rows[fine].next_run_at == datetime(2026, 4, 1, 3, 30, tzinfo=UTC)
    assert runs == Counter({fine: 1})
