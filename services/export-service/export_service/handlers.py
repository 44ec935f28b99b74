"""Event handlers of the export-service, registered in `subscriptions()` at the bottom."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from shared.domain import exports, leases
from shared.events import ExportRequested, Streams
from shared.infra import metrics
from shared.infra.bus import Subscription
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from shared.infra.storage import LocalStorage
from shared.states import ExportStatus

from .render import RenderedFile, RenderError, render_job

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportDeps:
    infra: Infrastructure
    storage: LocalStorage

    def uow(self) -> UnitOfWork:
        return self.infra.uow()


async def render_export(event: ExportRequested, deps: ExportDeps) -> None:
    """Render the job's file, then mark it succeeded (or failed with a readable reason).

    Idempotent: a job that is finished, or held by a live lease elsewhere, is left alone.
    """
    settings = deps.infra.settings
    lease = timedelta(seconds=settings.export_lease_seconds)
    async with deps.uow() as uow:
        job = await exports.claim_job(uow, event.job_id, lease, settings.export_max_attempts)
        await uow.commit()
    if job is None:
        log.info(
            "export job not claimable (finished, leased or out of attempts); skipping",
            extra={"job_id": str(event.job_id)},
        )
        return
    try:
        # A render may outlast its lease: it is renewed while the render runs, so the job is
        # never handed to another worker while this one is alive.
        async with leases.lease_kept(exports.EXPORT_WORK, deps.uow, (job.id, job.attempts), lease):
            rendered = await render_job(deps.infra, deps.storage, job)
    except RenderError as exc:
        await _fail(deps, job, exc.reason)
        return
    except Exception as exc:
        # Transient (database, disk): free the lease so the bus's redelivery can try again.
        async with deps.uow() as uow:
            await exports.release_job(
                uow, job.id, f"attempt {job.attempts} failed: {type(exc).__name__}", job.attempts
            )
            await uow.commit()
        raise
    await _succeed(deps, job, rendered)


async def _succeed(deps: ExportDeps, job: ExportJob, rendered: RenderedFile) -> None:
    async with deps.uow() as uow:
        done = await exports.mark_succeeded(
            uow,
            job,
            file_path=rendered.stored.key,
            file_name=rendered.file_name,
            file_size=rendered.stored.size,
            sha256=rendered.stored.sha256,
            row_count=rendered.row_count,
            ttl=timedelta(days=deps.infra.settings.export_ttl_days),
        )
        await uow.commit()
    if done is None:
        # Lost the lease meanwhile (another worker finished it): our file is surplus.
        deps.storage.delete(rendered.stored.key)
        return
    metrics.EXPORTS_FINISHED.labels(job.report, job.format, ExportStatus.SUCCEEDED).inc()
    log.info("export succeeded", extra={"job_id": str(job.id), "rows": rendered.row_count})


async def _fail(deps: ExportDeps, job: ExportJob, reason: str) -> None:
    async with deps.uow() as uow:
        await exports.mark_failed(uow, job.id, job.tenant_id, reason, job.attempts)
        await uow.commit()
    metrics.EXPORTS_FINISHED.labels(job.report, job.format, ExportStatus.FAILED).inc()
    log.warning("export failed", extra={"job_id": str(job.id), "reason": reason})


async def give_up_export(event: ExportRequested, reason: str, deps: ExportDeps) -> None:
    """Delivery gave up: the job fails with the reason instead of staying queued forever."""
    async with deps.uow() as uow:
        await exports.mark_failed(
            uow, event.job_id, event.tenant_id, f"the export could not be completed ({reason})"
        )
        await uow.commit()


async def reconcile(deps: ExportDeps) -> int:
    """Re-announce jobs whose announcement was lost or whose worker died."""
    stale_after = timedelta(seconds=deps.infra.settings.export_lease_seconds)
    async with deps.uow() as uow:
        count = await exports.reannounce_stale_jobs(uow, stale_after)
        await uow.commit()
    if count:
        metrics.RECONCILED.labels("export_job").inc(count)
        log.warning("re-announced stale export jobs", extra={"count": count})
    return count


def subscriptions(deps: ExportDeps) -> list[Subscription]:
    async def handle(event: ExportRequested) -> None:
        await render_export(event, deps)

    async def give_up(event: ExportRequested, reason: str) -> None:
        await give_up_export(event, reason, deps)

    return [Subscription(Streams.EXPORT_REQUESTED, handle, give_up)]
