"""The TTL cleanup: expire old files, then sweep orphans and leftover temporary files.

Expiry is driven by the database (`expires_at`), so every export worker can run the sweep:
`SKIP LOCKED` splits the work. Orphans (a file whose job is gone, failed or expired, e.g. a
render that lost its lease) and `.part` files a crash left behind are removed only once they
are older than `EXPORT_ORPHAN_GRACE_SECONDS`, so a render in flight is never touched.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from shared.domain import exports
from shared.infra.db import UnitOfWork
from shared.infra.storage import TEMP_SUFFIX, LocalStorage

log = logging.getLogger(__name__)

ORPHAN_CHECK_BATCH = 1000


@dataclass(frozen=True)
class CleanupReport:
    expired: int
    orphans: int
    temporary: int


async def run_cleanup(
    uow: Callable[[], UnitOfWork],
    storage: LocalStorage,
    grace: timedelta,
    now: datetime | None = None,
) -> CleanupReport:
    """One full sweep; `now` is injectable so tests can travel in time."""
    now = now or datetime.now(UTC)
    expired = 0
    while True:
        async with uow() as work:
            paths = await exports.expire_due_jobs(work, now)
            await work.commit()
        for key in paths:
            storage.delete(key)
        expired += len(paths)
        if not paths:
            break
    orphans, temporary = await _sweep_orphans(uow, storage, now - grace)
    report = CleanupReport(expired, orphans, temporary)
    if expired or orphans or temporary:
        log.info("export cleanup", extra=report.__dict__)
    return report


async def _sweep_orphans(
    uow: Callable[[], UnitOfWork], storage: LocalStorage, older_than: datetime
) -> tuple[int, int]:
    cutoff = older_than.timestamp()
    temporary = 0
    candidates: dict[uuid.UUID, str] = {}
    for key, path in storage.files():
        if path.stat().st_mtime > cutoff:
            continue
        if path.name.endswith(TEMP_SUFFIX):
            storage.delete(key)
            temporary += 1
            continue
        job_id = storage.job_id_of(path)
        if job_id is None:
            storage.delete(key)  # not a file this service writes
            temporary += 1
        else:
            candidates[job_id] = key
    orphans = 0
    ids = list(candidates)
    for start in range(0, len(ids), ORPHAN_CHECK_BATCH):
        chunk = ids[start : start + ORPHAN_CHECK_BATCH]
        async with uow() as work:
            live = await exports.live_job_ids(work, chunk)
        for job_id in set(chunk) - live:
            storage.delete(candidates[job_id])
            orphans += 1
    return orphans, temporary
