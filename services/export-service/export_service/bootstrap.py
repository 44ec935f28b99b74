"""Composition root: builds the export-service worker from settings (tests pass their own)."""

from __future__ import annotations

from datetime import timedelta

from shared.infra.runtime import Infrastructure, Worker
from shared.infra.storage import LocalStorage

from .book_imports import import_subscription, reconcile_imports
from .cleanup import CleanupReport, run_cleanup
from .handlers import ExportDeps, reconcile, subscriptions


def build_worker(infra: Infrastructure) -> tuple[Worker, ExportDeps]:
    settings = infra.settings
    deps = ExportDeps(infra=infra, storage=LocalStorage(settings.export_dir))

    async def reconcile_job() -> int:
        return await reconcile(deps)

    async def reconcile_imports_job() -> int:
        return await reconcile_imports(infra)

    async def cleanup_job() -> CleanupReport:
        grace = timedelta(seconds=settings.export_orphan_grace_seconds)
        return await run_cleanup(deps.uow, deps.storage, grace)

    worker = Worker(
        service="export-service",
        infra=infra,
        subscriptions=[*subscriptions(deps), import_subscription(infra)],
        health_port=settings.export_health_port,
        periodic=[
            (settings.reconcile_interval_seconds, reconcile_job),
            (settings.reconcile_interval_seconds, reconcile_imports_job),
            (settings.export_cleanup_interval_seconds, cleanup_job),
        ],
    )
    return worker, deps
