"""A run waiting for a finished event that was lost (a Redis wipe, a trimmed stream) moves on
at the scheduler's next reconcile sweep, read from the export job's and the email's rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from export_service.bootstrap import build_worker as export_worker
from scheduler_service.bootstrap import build_worker as scheduler_worker
from scheduler_service.reconcile import reconcile
from scheduler_service.runner import SchedulerDeps
from scheduler_service.ticker import tick

from shared.domain import exports
from shared.infra.bus import StreamConsumer
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_ledger

from .mailing import configure_smtp, mail_infra, mail_worker
from .scheduling import create_schedule, runs_of

if TYPE_CHECKING:
    import uuid

    from tests.smtp_kit.fixtures import SinkFactory

NOW = datetime(2026, 5, 4, 3, 30, tzinfo=UTC)
ENTRIES = [(date(2026, 4, 15), Decimal("2500.00"), Decimal("0"))]


async def _started_run(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> tuple[uuid.UUID, StreamConsumer, SchedulerDeps]:
    """A schedule ticked and its run started (`exporting`, its export job queued): the
    schedule, the scheduler's consumer and its deps."""
    await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    worker, deps = scheduler_worker(infra)
    scheduler = worker.consumer()
    await pump(scheduler)
    return schedule, scheduler, deps


async def _lose_every_event(infra: Infrastructure) -> None:
    # FLUSHDB on the test database number: a Redis wipe, for everything this stack keeps.
    await infra.redis.flushdb()


async def test_a_run_whose_export_finished_event_was_lost_moves_on_at_the_next_sweep(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    schedule, scheduler, deps = await _started_run(infra, tenant_id, pump)
    # The export is rendered, then its export.finished goes with a Redis wipe before the
    # scheduler reads it.
    await pump(export_worker(infra)[0].consumer())
    await _lose_every_event(infra)
    [run] = await runs_of(infra, schedule)
    assert run.status == "exporting"

    assert await reconcile(deps) == 1  # one sweep
    [moved] = await runs_of(infra, schedule)
    assert moved.status == "sending" and moved.email_id is not None

    mail, _ = mail_worker(infra)
    await pump(mail, scheduler)
    [finished] = await runs_of(infra, schedule)
    assert finished.status == "succeeded"
    assert len(sink.messages) == 1
    assert await reconcile(deps) == 0  # nothing left to move on


async def test_a_run_whose_email_finished_event_was_lost_moves_on_at_the_next_sweep(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    schedule, scheduler, deps = await _started_run(infra, tenant_id, pump)
    await pump(export_worker(infra)[0].consumer(), scheduler)  # exported; the email queued
    # The email is sent, then its email.finished goes with a Redis wipe.
    mail, _ = mail_worker(infra)
    await pump(mail)
    await _lose_every_event(infra)
    [run] = await runs_of(infra, schedule)
    assert run.status == "sending"

    assert await reconcile(deps) == 1
    [finished] = await runs_of(infra, schedule)
    assert (finished.status, finished.error) == ("succeeded", None)
    assert len(sink.messages) == 1


async def test_a_run_whose_export_is_still_rendering_is_left_alone(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    schedule, _, deps = await _started_run(infra, tenant_id, pump)
    [run] = await runs_of(infra, schedule)
    assert run.export_job_id is not None
    async with infra.uow() as uow:  # a worker is rendering it, under a live lease
        assert await exports.claim_job(
            uow, run.export_job_id, timedelta(minutes=5), infra.settings.export_max_attempts
        )
        await uow.commit()

    assert await reconcile(deps) == 0
    [still] = await runs_of(infra, schedule)
    assert (still.status, still.email_id) == ("exporting", None)


async def test_an_export_finished_naming_no_run_is_passed_over_and_the_sweep_moves_it_on(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    # An event published before events named their schedule run (an upgrade under load):
    # the runner passes over it without reading the rows; the sweep reads them instead.
    from shared.events import ExportFinished

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    schedule, scheduler, deps = await _started_run(infra, tenant_id, pump)
    await pump(export_worker(infra)[0].consumer())
    await _lose_every_event(infra)
    [run] = await runs_of(infra, schedule)
    assert run.export_job_id is not None
    async with infra.uow() as uow:
        uow.publish(
            ExportFinished(tenant_id=tenant_id, job_id=run.export_job_id, status="succeeded")
        )
        await uow.commit()
    await pump(scheduler)
    [still] = await runs_of(infra, schedule)
    assert still.status == "exporting"

    assert await reconcile(deps) == 1
    [moved] = await runs_of(infra, schedule)
    assert moved.status == "sending" and moved.email_id is not None
