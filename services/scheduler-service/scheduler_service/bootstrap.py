"""Composition root: builds the scheduler-service worker from settings (tests pass their own)."""

from __future__ import annotations

from datetime import UTC, datetime

from shared.domain.confirmations.reminders import send_due_reminders
from shared.infra.runtime import Infrastructure, Worker

from .handlers import subscriptions
from .reconcile import reconcile
from .runner import SchedulerDeps
from .ticker import prune_runs, tick

PRUNE_INTERVAL_SECONDS = 3600.0


def build_worker(infra: Infrastructure) -> tuple[Worker, SchedulerDeps]:
    deps = SchedulerDeps(infra=infra)
    settings = infra.settings

    async def tick_job() -> int:
        return await tick(deps.uow, settings)

    async def reconcile_job() -> int:
        return await reconcile(deps)

    async def prune_job() -> int:
        return await prune_runs(deps.uow, settings)

    async def reminders_job() -> int:
        # Balance confirmations whose party has not answered: every tenant's, a batch at a time.
        return len(await send_due_reminders(infra.uow, settings, datetime.now(UTC)))

    worker = Worker(
        service="scheduler-service",
        infra=infra,
        subscriptions=subscriptions(deps),
        health_port=settings.scheduler_health_port,
        periodic=[
            (settings.scheduler_tick_seconds, tick_job),
            (settings.reconcile_interval_seconds, reconcile_job),
            (PRUNE_INTERVAL_SECONDS, prune_job),
            (settings.confirmation_reminder_sweep_seconds, reminders_job),
        ],
    )
    return worker, deps
