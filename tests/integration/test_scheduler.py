"""The scheduler-service: ticks create each run once, catch up after downtime, and drive runs
through export and email (an injected clock; no waiting for real minutes)."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from scheduler_service.ticker import prune_runs, tick
from sqlalchemy import func, select, update

from shared.infra.db.models import Email, Ledger, ReportSchedule, ScheduleRun
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_ledger

from .mailing import configure_smtp, mail_infra, mail_worker
from .scheduling import create_schedule, runs_of, schedule_row, workers

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

NOW = datetime(2026, 5, 4, 3, 30, tzinfo=UTC)  # 09:00 in Kolkata
ENTRIES = [(date(2026, 4, 15), Decimal("2500.00"), Decimal("0"))]


async def test_a_due_schedule_gets_one_run_and_moves_on(
    infra: Infrastructure, tenant_id: str
) -> None:
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    assert await tick(infra.uow, infra.settings, NOW + timedelta(seconds=5)) >= 1
    assert await tick(infra.uow, infra.settings, NOW + timedelta(seconds=6)) == 0
    [run] = await runs_of(infra, schedule)
    assert (run.status, run.trigger, run.scheduled_for) == ("pending", "scheduled", NOW)
    assert run.idempotency_key == f"{schedule}:{NOW.isoformat()}"
    assert (await schedule_row(infra, schedule)).next_run_at == NOW + timedelta(days=1)


async def test_two_ticker_processes_race_without_duplicates(
    infra: Infrastructure, tenant_id: str
) -> None:
    due = NOW  # on the */5 grid
    async with infra.uow() as uow:
        for n in range(1000):
            uow.session.add(
                ReportSchedule(
                    tenant_id=tenant_id,
                    owner="u1",
                    name=f"s{n}",
                    report="ledger",
                    format="csv",
                    params={"ledger": "X", "period": "yesterday"},
                    cron="*/5 * * * *",
                    timezone="Asia/Kolkata",
                    recipients={"to": ["a@example.in"]},
                    enabled=True,
                    next_run_at=due,
                )
            )
        await uow.commit()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": infra.settings.database_url,
        "REDIS_URL": infra.settings.redis_url,
        "BUS_STREAM_PREFIX": infra.settings.bus_stream_prefix,
        "SCHEDULER_TICK_BATCH": "50",
    }
    racers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.integration.tick_once",
            NOW.isoformat(),
            env=env,
            stdout=asyncio.subprocess.PIPE,
        )
        for _ in range(2)
    ]
    outputs = [await racer.communicate() for racer in racers]
    advanced = [int(out.decode().strip().splitlines()[-1]) for out, _ in outputs]
    async with infra.sessions() as session:
        runs = await session.scalar(
            select(func.count()).select_from(ScheduleRun).where(ScheduleRun.tenant_id == tenant_id)
        )
        distinct = await session.scalar(
            select(func.count(func.distinct(ScheduleRun.schedule_id))).where(
                ScheduleRun.tenant_id == tenant_id
            )
        )
        still_due = await session.scalar(
            select(func.count())
            .select_from(ReportSchedule)
            .where(ReportSchedule.tenant_id == tenant_id, ReportSchedule.next_run_at <= NOW)
        )
    assert sum(advanced) == 1000
    assert (runs, distinct, still_due) == (1000, 1000, 0)


async def test_after_downtime_only_the_latest_slot_runs_and_older_ones_are_missed(
    infra: Infrastructure, tenant_id: str
) -> None:
    hourly = await create_schedule(
        infra, tenant_id, cron="0 * * * *", next_run_at=NOW - timedelta(hours=5, minutes=30)
    )
    long_gone = await create_schedule(
        infra, tenant_id, cron="0 7 * * *", next_run_at=NOW - timedelta(days=3)
    )
    await tick(infra.uow, infra.settings, NOW)

    runs = await runs_of(infra, hourly)
    assert [r.status for r in runs] == ["missed", "pending"]
    # Kolkata's hours start at :30 UTC: the latest slot is 09:00 IST, exactly now
    assert runs[0].scheduled_for == NOW - timedelta(hours=5, minutes=30)
    assert runs[1].scheduled_for == NOW
    assert [r.status for r in await runs_of(infra, long_gone)] == ["missed", "missed"]
    for schedule in (hourly, long_gone):
        next_run = (await schedule_row(infra, schedule)).next_run_at
        assert next_run is not None and next_run > NOW


async def test_a_scheduled_statement_is_exported_emailed_and_recorded(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    consumers, _ = workers(infra)
    await pump(*consumers)

    [run] = await runs_of(infra, schedule)
    assert run.status == "succeeded", run.error
    [received] = await sink.wait_for_messages(1)
    # last_month resolved at 2026-05-04 in Kolkata: April 2026
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_filename() == "Ledger_Sharma-Traders_2026-04-01_2026-04-30.csv"
    assert "2026-04-15,Sales" in attachment.get_content()
    saved = await schedule_row(infra, schedule)
    assert (saved.last_run_status, saved.consecutive_failures) == ("succeeded", 0)


async def test_skip_if_empty_records_a_skipped_run_and_sends_nothing(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(infra.uow(), tenant_id)  # no entries at all
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW, skip_if_empty=True)
    await tick(infra.uow, infra.settings, NOW)
    consumers, _ = workers(infra)
    await pump(*consumers)
    [run] = await runs_of(infra, schedule)
    assert (run.status, run.error) == ("skipped", "the report had no rows")
    assert sink.messages == []


async def test_smtp_down_for_a_while_is_retried_and_one_email_delivered(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from mail_service.handlers import reconcile

    sink = await smtp_sinks("plain", data_replies=[421, 451])
    infra = mail_infra(infra, sink, mail_retry_base_seconds=0.001, mail_retry_max_seconds=0.002)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    consumers, _ = workers(infra)
    _, mail_deps = mail_worker(infra)
    await pump(*consumers)
    for _ in range(2):  # each retry falls due at once with this backoff
        assert await reconcile(mail_deps) == 1
        await pump(*consumers)
    [run] = await runs_of(infra, schedule)
    assert run.status == "succeeded"
    assert len(sink.messages) == 1
    async with infra.sessions() as session:
        email = await session.scalar(select(Email).where(Email.id == run.email_id))
    assert email is not None and email.attempts == 3


async def test_a_crash_between_the_run_and_the_send_still_finishes_once(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from shared.events import ScheduleRunDue

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)  # the run and its event are committed ...
    # ... the process dies here; later the relay delivers the event, twice for good measure.
    [run] = await runs_of(infra, schedule)
    async with infra.uow() as uow:
        uow.publish(
            ScheduleRunDue(tenant_id=tenant_id, run_id=run.id, idempotency_key=run.idempotency_key)
        )
        await uow.commit()
    consumers, _ = workers(infra)
    await pump(*consumers)
    [finished] = await runs_of(infra, schedule)
    assert (finished.status, finished.attempts) == ("succeeded", 1)
    assert len(sink.messages) == 1


async def test_repeated_failures_notify_the_owner_and_pause_the_schedule(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink, scheduler_run_max_attempts=1, scheduler_pause_after_failures=1)
    await configure_smtp(infra, tenant_id, sink)
    await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    async with infra.uow() as uow:  # the ledger is renamed in the books: the export fails
        await uow.session.execute(
            update(Ledger).where(Ledger.tenant_id == tenant_id).values(name="Renamed")
        )
        await uow.commit()
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    consumers, _ = workers(infra)
    await pump(*consumers)

    [run] = await runs_of(infra, schedule)
    assert run.status == "failed"
    assert run.error is not None and "no ledger named 'Sharma Traders'" in run.error
    saved = await schedule_row(infra, schedule)
    assert saved.enabled is False
    assert saved.paused_reason is not None and "paused automatically" in saved.paused_reason
    [notice] = await sink.wait_for_messages(1)
    assert notice.rcpt_tos == ("owner@example.in",)
    assert "Scheduled report failed" in str(notice.message["Subject"])


async def test_old_finished_runs_are_pruned(infra: Infrastructure, tenant_id: str) -> None:
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.schedule_id == schedule)
            .values(status="succeeded", created_at=NOW - timedelta(days=91))
        )
        await uow.commit()
    assert await prune_runs(infra.uow, infra.settings, NOW) >= 1
    assert await runs_of(infra, schedule) == []


async def test_a_run_whose_events_keep_failing_ends_failed_not_stuck(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    import uuid

    from shared.events import ExportFinished

    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    [run] = await runs_of(infra, schedule)
    missing_job = uuid.uuid4()  # the export row is gone: every delivery of its event fails
    async with infra.uow() as uow:
        await uow.session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id == run.id)
            .values(status="exporting", export_job_id=missing_job, attempts=1)
        )
        uow.publish(
            ExportFinished(
                tenant_id=tenant_id, job_id=missing_job, status="succeeded", schedule_run_id=run.id
            )
        )
        await uow.commit()
    from scheduler_service.bootstrap import build_worker as scheduler_worker

    await pump(scheduler_worker(infra)[0].consumer())
    [failed] = await runs_of(infra, schedule)
    assert failed.status == "failed"
    assert failed.error is not None and "could not be processed" in failed.error
