"""An export's lease: renewed while it renders, however long that takes, and the attempts it
may use capped by `EXPORT_MAX_ATTEMPTS`, so a job whose worker keeps dying ends failed."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from export_service import handlers
from export_service.bootstrap import build_worker
from sqlalchemy import select

from shared.domain import exports
from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_ledger, queue_ledger_export

ENTRIES = [(date(2025, 4, 3), Decimal("10.00"), Decimal("0"))]
LEASE_SECONDS = 2


async def _job(infra: Infrastructure, job: ExportJob) -> ExportJob:
    async with infra.sessions() as session:
        found = await session.scalar(select(ExportJob).where(ExportJob.id == job.id))
    assert found is not None
    return found


async def test_a_render_slower_than_its_lease_keeps_the_job_and_finishes_once(
    infra: Infrastructure, tenant_id: str, pump: Pump, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = infra.settings.model_copy(update={"export_lease_seconds": LEASE_SECONDS})
    infra = dataclasses.replace(infra, settings=settings)
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    job = await queue_ledger_export(infra.uow(), tenant_id, ledger)
    lease, cap = timedelta(seconds=LEASE_SECONDS), settings.export_max_attempts
    render = handlers.render_job
    # (lease still live, a second worker could claim the job), seen along the render
    seen: list[tuple[bool, bool]] = []

    async def slow_render(*args: Any) -> Any:
        # The render takes two and a half leases; all along, the lease must stay live and a
        # second worker must find nothing to claim.
        loop = asyncio.get_running_loop()
        finish_at = loop.time() + LEASE_SECONDS * 2.5
        while loop.time() < finish_at:
            await asyncio.sleep(LEASE_SECONDS / 4)  # the render's own slowness
            held = await _job(infra, job)
            async with infra.uow() as uow:
                taken = await exports.claim_job(uow, job.id, lease, cap)
                await uow.commit()
            expires = held.lease_expires_at
            seen.append((expires is not None and expires > datetime.now(UTC), taken is not None))
        return await render(*args)

    monkeypatch.setattr(handlers, "render_job", slow_render)
    await pump(build_worker(infra)[0].consumer())

    assert len(seen) >= 4 and all(seen_ == (True, False) for seen_ in seen), seen
    done = await _job(infra, job)
    assert (done.status, done.attempts, done.error) == ("succeeded", 1, None)
    assert len(list(settings.export_dir.rglob(f"{job.id}.*"))) == 1


async def test_a_job_whose_worker_keeps_dying_fails_after_the_cap_with_a_readable_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    cap = infra.settings.export_max_attempts
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    job = await queue_ledger_export(infra.uow(), tenant_id, ledger)
    for _ in range(cap):  # a worker claims the job and dies: its lease runs out
        async with infra.uow() as uow:
            assert await exports.claim_job(uow, job.id, timedelta(seconds=-1), cap) is not None
            await uow.commit()

    await pump(build_worker(infra)[0].consumer())  # the job's message reaches a live worker

    failed = await _job(infra, job)
    assert (failed.status, failed.attempts) == ("failed", cap)
    assert failed.error == (
        f"gave up after {cap} attempts: attempt {cap} stopped before finishing "
        "(its worker died or was cut off)"
    )
    assert list(infra.settings.export_dir.rglob(f"{job.id}.*")) == []
