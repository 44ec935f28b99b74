"""Books imports as rows: requested by the gateway, worked on by the export-service.

An import waits `queued`, runs under a lease (renewed with each progress step, so a long
import keeps it and a dead worker's is taken over), and ends `succeeded` with its report or
`failed` with a readable reason. Importing is idempotent (the rows carry Tally's ids), so a
second attempt after a crash simply does the whole import again in its own transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from shared.domain.leases import LeasedWork
from shared.events import BooksImportRequested
from shared.infra.db import UnitOfWork
from shared.infra.db.models import BookImport
from shared.states import BOOK_IMPORT, ImportStatus, allowed_sources

IMPORT_WORK = LeasedWork(
    model=BookImport,
    id=BookImport.id,
    status=BookImport.status,
    lease_expires_at=BookImport.lease_expires_at,
    announced_at=BookImport.announced_at,
    created_at=BookImport.created_at,
    attempts=BookImport.attempts,
    waiting=ImportStatus.QUEUED,
    working=ImportStatus.RUNNING,
)


def _now() -> datetime:
    return datetime.now(UTC)


def request_import(
    uow: UnitOfWork,
    *,
    import_id: uuid.UUID,
    tenant_id: str,
    requested_by: str,
    file_names: list[str],
    file_keys: list[str],
    total_bytes: int,
) -> BookImport:
    """The import's row and its announcement, in the caller's transaction."""
    row = BookImport(
        id=import_id,
        tenant_id=tenant_id,
        requested_by=requested_by,
        file_names=file_names,
        file_keys=file_keys,
        total_bytes=total_bytes,
        status=ImportStatus.QUEUED,
        announced_at=_now(),
    )
    uow.session.add(row)
    uow.publish(BooksImportRequested(tenant_id=tenant_id, import_id=import_id))
    return row


async def claim_import(
    uow: UnitOfWork, import_id: uuid.UUID, lease: timedelta, max_attempts: int
) -> BookImport | None:
    """Take the import: waiting, or lost by its worker. One that has had `max_attempts`
    attempts fails instead, with the last attempt's reason: it is not tried for ever."""
    now = _now()
    claimed: BookImport | None = await uow.session.scalar(
        update(BookImport)
        .where(
            BookImport.id == import_id,
            IMPORT_WORK.claimable(now),
            BookImport.attempts < max_attempts,
        )
        .values(
            status=ImportStatus.RUNNING,
            attempts=BookImport.attempts + 1,
            lease_expires_at=now + lease,
            started_at=now,
            progress=0,
            error=None,
        )
        .returning(BookImport)
    )
    if claimed is None:
        await _give_up_if_exhausted(uow, import_id, max_attempts, now)
    return claimed


async def _give_up_if_exhausted(
    uow: UnitOfWork, import_id: uuid.UUID, max_attempts: int, now: datetime
) -> None:
    row = await IMPORT_WORK.exhausted(uow, import_id, max_attempts, now)
    if row is None:
        return
    last = row.error or f"attempt {row.attempts} stopped before finishing (its worker died)"
    await finish_import(
        uow, row.id, ImportStatus.FAILED, error=f"gave up after {row.attempts} attempts: {last}"
    )


async def record_progress(
    uow: UnitOfWork, import_id: uuid.UUID, attempt: int, progress: int, lease: timedelta
) -> bool:
    """Save progress and renew the lease; False when this attempt no longer holds the import."""
    held = await uow.session.scalar(
        update(BookImport)
        .where(
            BookImport.id == import_id,
            BookImport.attempts == attempt,
            BookImport.status == ImportStatus.RUNNING,
        )
        .values(progress=progress, lease_expires_at=_now() + lease)
        .returning(BookImport.id)
    )
    return held is not None


async def finish_import(
    uow: UnitOfWork,
    import_id: uuid.UUID,
    target: ImportStatus,
    attempt: int | None = None,
    **values: Any,
) -> BookImport | None:
    """Move the import to `target` if its state allows (and `attempt` still holds it)."""
    query = update(BookImport).where(
        BookImport.id == import_id, BookImport.status.in_(allowed_sources(BOOK_IMPORT, target))
    )
    if attempt is not None:
        query = query.where(BookImport.attempts == attempt)
    final = target in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    changes = {"status": target, "lease_expires_at": None, **values}
    if final:
        changes["finished_at"] = _now()
    done: BookImport | None = await uow.session.scalar(
        query.values(**changes).returning(BookImport)
    )
    return done


async def reannounce_stale_imports(
    uow: UnitOfWork, stale_after: timedelta, limit: int = 100
) -> int:
    now = _now()
    return await IMPORT_WORK.reannounce(
        uow,
        waiting_too_long=BookImport.announced_at < now - stale_after,
        now=now,
        announce=lambda row: BooksImportRequested(tenant_id=row.tenant_id, import_id=row.id),
        limit=limit,
    )
