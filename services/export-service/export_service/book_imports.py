"""The export-service's other job: importing uploaded Tally exports into a tenant's books.

The import runs in one transaction (it lands whole or not at all) while a second session
records progress and renews the lease after every batch of vouchers. A file Tally could not
have written fails the import with the parser's words; a database or disk failure releases it
for the bus to retry; a worker that lost its lease (it stalled past it and another took over)
rolls back and leaves the import to the other. The uploaded files are removed once the import
has ended either way.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from shared.domain.books.imports import (
    IMPORT_WORK,
    claim_import,
    finish_import,
    reannounce_stale_imports,
    record_progress,
)
from shared.domain.books.tally.importer import Progress, import_tally
from shared.domain.books.tally.stream import TallyFileError
from shared.domain.leases import lease_kept
from shared.events import BooksImportRequested, Streams
from shared.infra import metrics
from shared.infra.bus import Subscription
from shared.infra.db.models import BookImport
from shared.infra.runtime import Infrastructure
from shared.infra.storage import LocalStorage
from shared.states import ImportStatus

log = logging.getLogger(__name__)


class LeaseLostError(Exception):
    """Another worker took the import over: this attempt must not commit."""


async def run_import(event: BooksImportRequested, infra: Infrastructure) -> None:
    lease = timedelta(seconds=infra.settings.tally_import_lease_seconds)
    async with infra.uow() as uow:
        row = await claim_import(
            uow, event.import_id, lease, infra.settings.tally_import_max_attempts
        )
        await uow.commit()
    if row is None:
        log.info("book import not claimable; skipping", extra={"import_id": str(event.import_id)})
        return
    files = LocalStorage(infra.settings.import_dir)
    try:
        paths = [files.resolve(key) for key in row.file_keys]
        # The lease is renewed on a clock as well as with each progress step: reading a large
        # masters file reports no progress for a while.
        async with (
            lease_kept(IMPORT_WORK, infra.uow, (row.id, row.attempts), lease),
            infra.uow() as uow,
        ):
            progress = _progress_recorder(infra, row, lease)
            report = await import_tally(uow.session, row.tenant_id, paths, progress)
            await uow.commit()
    except LeaseLostError:
        log.warning("book import taken over by another worker", extra={"import_id": str(row.id)})
        return
    except (TallyFileError, FileNotFoundError) as exc:
        await _end(infra, row, ImportStatus.FAILED, files, error=_reason(exc))
        return
    except Exception as exc:
        async with infra.uow() as uow:
            reason = f"attempt {row.attempts} failed: {type(exc).__name__}"
            await finish_import(uow, row.id, ImportStatus.QUEUED, row.attempts, error=reason)
            await uow.commit()
        raise
    await _end(infra, row, ImportStatus.SUCCEEDED, files, report=report.as_dict())


def _reason(exc: Exception) -> str:
    if isinstance(exc, FileNotFoundError):
        return "the uploaded files are gone; upload them again"
    return str(exc)


def _progress_recorder(infra: Infrastructure, row: BookImport, lease: timedelta) -> Progress:
    async def record(_kind: str, vouchers: int) -> None:
        async with infra.uow() as uow:
            held = await record_progress(uow, row.id, row.attempts, vouchers, lease)
            await uow.commit()
        if not held:
            raise LeaseLostError(str(row.id))

    return record


async def _end(
    infra: Infrastructure,
    row: BookImport,
    status: ImportStatus,
    files: LocalStorage,
    **values: object,
) -> None:
    async with infra.uow() as uow:
        done = await finish_import(uow, row.id, status, row.attempts, **values)
        await uow.commit()
    if done is None:
        return  # another attempt owns the import now; its files are its own to remove
    for key in row.file_keys:
        files.delete(key)
    metrics.BOOK_IMPORTS_FINISHED.labels(str(status)).inc()
    log.info("book import ended", extra={"import_id": str(row.id), "status": str(status)})


async def give_up_import(event: BooksImportRequested, reason: str, infra: Infrastructure) -> None:
    """Delivery gave up: the import fails with the reason instead of waiting forever."""
    async with infra.uow() as uow:
        await finish_import(
            uow, event.import_id, ImportStatus.FAILED, error=f"the import could not run ({reason})"
        )
        await uow.commit()


async def reconcile_imports(infra: Infrastructure) -> int:
    """Announce again imports whose announcement was lost or whose worker died."""
    stale_after = timedelta(seconds=infra.settings.tally_import_lease_seconds)
    async with infra.uow() as uow:
        count = await reannounce_stale_imports(uow, stale_after)
        await uow.commit()
    if count:
        metrics.RECONCILED.labels("book_import").inc(count)
    return count


def import_subscription(infra: Infrastructure) -> Subscription:
    async def handle(event: BooksImportRequested) -> None:
        await run_import(event, infra)

    async def give_up(event: BooksImportRequested, reason: str) -> None:
        await give_up_import(event, reason, infra)

    return Subscription(Streams.BOOKS_IMPORT_REQUESTED, handle, give_up)
