"""Export jobs: creation (with idempotency), the lease-guarded state changes, reconciliation.

Plain functions over a UnitOfWork, used by the gateway, the export-service and the scheduler.
Every status change is a conditional UPDATE whose WHERE clause lists the states the
transition is allowed from (see `shared.states`), so concurrent workers cannot both win.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from shared.domain.idempotency import IdempotencyConflictError, request_fingerprint
from shared.domain.leases import LeasedWork
from shared.events import ExportFinished, ExportRequested
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ExportJob
from shared.languages import DEFAULT_LANGUAGE, Language
from shared.states import EXPORT_JOB, FILE_KEEPING_EXPORT_STATES, ExportStatus, allowed_sources

# A job waits `queued` and is rendered `running` under a lease.
EXPORT_WORK = LeasedWork(
    model=ExportJob,
    id=ExportJob.id,
    status=ExportJob.status,
    lease_expires_at=ExportJob.lease_expires_at,
    announced_at=ExportJob.announced_at,
    created_at=ExportJob.created_at,
    attempts=ExportJob.attempts,
    waiting=ExportStatus.QUEUED,
    working=ExportStatus.RUNNING,
)


@dataclass(frozen=True)
class NewExport:
    tenant_id: str
    requested_by: str
    report: str
    format: str
    params: dict[str, Any]
    idempotency_key: str | None = None
    schedule_run_id: uuid.UUID | None = None
    language: Language = DEFAULT_LANGUAGE  # of the document's fixed labels


# A job update returns its row: the session takes the row from RETURNING (refreshing a copy it
# holds) instead of evaluating the WHERE clause in Python against every object it holds.
_RETURNED_ROW: dict[str, Any] = {"synchronize_session": False, "populate_existing": True}


def _now() -> datetime:
    return datetime.now(UTC)


async def _find_by_key(uow: UnitOfWork, new: NewExport) -> ExportJob | None:
    return await uow.session.scalar(
        select(ExportJob).where(
            ExportJob.tenant_id == new.tenant_id,
            ExportJob.requested_by == new.requested_by,
            ExportJob.idempotency_key == new.idempotency_key,
        )
    )


def _fingerprint(new: NewExport) -> str:
    return request_fingerprint(
        {"report": new.report, "format": new.format, "params": new.params, "lang": new.language}
    )


async def create_export_job(uow: UnitOfWork, new: NewExport) -> tuple[ExportJob, bool]:
    """Queue a job and announce it (caller commits); returns (job, created).

    With an idempotency key already used for the same request, the earlier job is returned
    (created=False); used for a different request, IdempotencyConflictError.
    """
    fingerprint = _fingerprint(new)
    if new.idempotency_key is not None:
        existing = await _find_by_key(uow, new)
        if existing is not None:
            if existing.request_hash != fingerprint:
                raise IdempotencyConflictError(new.idempotency_key)
            return existing, False
    job = ExportJob(
        id=uuid.uuid4(),
        tenant_id=new.tenant_id,
        requested_by=new.requested_by,
        report=new.report,
        format=new.format,
        params=new.params,
        status=ExportStatus.QUEUED,
        idempotency_key=new.idempotency_key,
        request_hash=fingerprint,
        schedule_run_id=new.schedule_run_id,
        language=new.language,
        announced_at=_now(),
    )
    if new.idempotency_key is None:
        # Only the key's unique index can refuse the row: no savepoint needed (a statement
        # run queues a thousand jobs in one transaction).
        uow.session.add(job)
    else:
        try:
            async with uow.session.begin_nested():
                uow.session.add(job)
        except IntegrityError:
            # A concurrent request with the same key won the race: answer with its job.
            existing = await _find_by_key(uow, new)
            if existing is None or existing.request_hash != fingerprint:
                raise IdempotencyConflictError(new.idempotency_key) from None
            return existing, False
    uow.publish(ExportRequested(tenant_id=job.tenant_id, job_id=job.id))
    return job, True


async def claim_job(
    uow: UnitOfWork, job_id: uuid.UUID, lease: timedelta, max_attempts: int
) -> ExportJob | None:
    """Take the job for rendering: queued, or running with an expired lease (a crashed worker).

    Returns None when the job is finished or another worker holds a live lease: a duplicate
    delivery then does nothing. A job that has had `max_attempts` attempts already is failed
    instead (and announced), with the last attempt's reason: it is not tried for ever.
    """
    now = _now()
    claimed = await uow.session.scalar(
        update(ExportJob)
        .where(
            ExportJob.id == job_id,
            EXPORT_WORK.claimable(now),
            ExportJob.attempts < max_attempts,
        )
        .values(
            status=ExportStatus.RUNNING,
            attempts=ExportJob.attempts + 1,
            lease_expires_at=now + lease,
            started_at=now,
            error=None,
        )
        .returning(ExportJob)
        .execution_options(**_RETURNED_ROW)
    )
    if claimed is None:
        await _give_up_if_exhausted(uow, job_id, max_attempts, now)
    return claimed


async def _give_up_if_exhausted(
    uow: UnitOfWork, job_id: uuid.UUID, max_attempts: int, now: datetime
) -> None:
    job = await EXPORT_WORK.exhausted(uow, job_id, max_attempts, now)
    if job is None:
        return
    # A transient failure left its reason (`release_job`); a worker that died left none.
    last = job.error or (
        f"attempt {job.attempts} stopped before finishing (its worker died or was cut off)"
    )
    await mark_failed(
        uow, job.id, job.tenant_id, f"gave up after {job.attempts} attempts: {last}", job.attempts
    )


async def _transition(
    uow: UnitOfWork,
    job_id: uuid.UUID,
    target: ExportStatus,
    attempt: int | None = None,
    **values: Any,
) -> ExportJob | None:
    """Move the job if its state allows it and, given `attempt`, only if that attempt still
    holds it (a worker whose lease was taken over must not finish or release the job)."""
    query = update(ExportJob).where(
        ExportJob.id == job_id, ExportJob.status.in_(allowed_sources(EXPORT_JOB, target))
    )
    if attempt is not None:
        query = query.where(ExportJob.attempts == attempt)
    return await uow.session.scalar(
        query.values(status=target, **values)
        .returning(ExportJob)
        .execution_options(**_RETURNED_ROW)
    )


async def mark_succeeded(
    uow: UnitOfWork,
    job: ExportJob,
    *,
    file_path: str,
    file_name: str,
    file_size: int,
    sha256: str,
    row_count: int,
    ttl: timedelta,
) -> ExportJob | None:
    now = _now()
    done = await _transition(
        uow,
        job.id,
        ExportStatus.SUCCEEDED,
        attempt=job.attempts,
        file_path=file_path,
        file_name=file_name,
        file_size=file_size,
        sha256=sha256,
        row_count=row_count,
        progress=row_count,
        finished_at=now,
        expires_at=now + ttl,
        lease_expires_at=None,
    )
    if done is not None:
        uow.publish(
            ExportFinished(
                tenant_id=job.tenant_id,
                job_id=job.id,
                status=ExportStatus.SUCCEEDED,
                schedule_run_id=done.schedule_run_id,
            )
        )
    return done


async def mark_failed(
    uow: UnitOfWork, job_id: uuid.UUID, tenant_id: str, reason: str, attempt: int | None = None
) -> bool:
    """Fail the job with a readable reason and announce it; False when it was already final
    (or, given `attempt`, when another attempt holds it now)."""
    done = await _transition(
        uow,
        job_id,
        ExportStatus.FAILED,
        attempt,
        error=reason,
        finished_at=_now(),
        lease_expires_at=None,
    )
    if done is not None:
        uow.publish(
            ExportFinished(
                tenant_id=tenant_id,
                job_id=job_id,
                status=ExportStatus.FAILED,
                schedule_run_id=done.schedule_run_id,
            )
        )
    return done is not None


async def release_job(uow: UnitOfWork, job_id: uuid.UUID, reason: str, attempt: int) -> None:
    """Put a running job back to queued after a transient failure, so a redelivery can retry
    (only if this attempt still holds it)."""
    await _transition(
        uow, job_id, ExportStatus.QUEUED, attempt, error=reason, lease_expires_at=None
    )


async def reannounce_stale_jobs(uow: UnitOfWork, stale_after: timedelta, limit: int = 500) -> int:
    """Announce again jobs stuck queued (announcement lost, e.g. Redis wiped) or running with an
    expired lease (worker died). Caller commits; returns how many were re-announced."""
    now = _now()
    return await EXPORT_WORK.reannounce(
        uow,
        waiting_too_long=ExportJob.announced_at < now - stale_after,
        now=now,
        announce=lambda job: ExportRequested(tenant_id=job.tenant_id, job_id=job.id),
        limit=limit,
    )


async def expire_due_jobs(uow: UnitOfWork, now: datetime, limit: int = 500) -> list[str]:
    """Mark succeeded jobs past `expires_at` as expired (caller commits); returns their files."""
    due = (
        select(ExportJob.id)
        .where(ExportJob.status == ExportStatus.SUCCEEDED, ExportJob.expires_at <= now)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    expired = await uow.session.execute(
        update(ExportJob)
        .where(
            ExportJob.id.in_(due),
            ExportJob.status.in_(allowed_sources(EXPORT_JOB, ExportStatus.EXPIRED)),
        )
        .values(status=ExportStatus.EXPIRED)
        .returning(ExportJob.file_path)
    )
    return [path for (path,) in expired if path]


async def live_job_ids(uow: UnitOfWork, job_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Those of `job_ids` whose file must be kept: the job exists and is not final-without-file."""
    rows = await uow.session.scalars(
        select(ExportJob.id).where(
            ExportJob.id.in_(job_ids), ExportJob.status.in_(FILE_KEEPING_EXPORT_STATES)
        )
    )
    return set(rows)
