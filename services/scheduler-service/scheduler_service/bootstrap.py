"""Composition root: builds the scheduler-service worker from settings (tests pass their own)."""

from __future__ import annotations

from shared.runtime import Infrastructure, Worker

from .handlers import SchedulerDeps, subscriptions


def build_worker(infra: Infrastructure) -> tuple[Worker, SchedulerDeps]:
    deps = SchedulerDeps(infra=infra)
    worker = Worker(
        service="scheduler-service",
        infra=infra,
        subscriptions=subscriptions(deps),
        health_port=infra.settings.scheduler_health_port,
    )
    return worker, deps
