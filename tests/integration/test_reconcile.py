"""A Redis wipe delays work but loses none: reconciliation re-announces from PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from export_service.bootstrap import build_worker
from export_service.handlers import reconcile
from sqlalchemy import select, update

from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_ledger, queue_ledger_export


async def test_job_queued_before_a_redis_wipe_still_completes(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(
        infra.uow(), tenant_id, entries=[(date(2025, 6, 1), Decimal("10.00"), Decimal("0"))]
    )
    job = await queue_ledger_export(infra.uow(), tenant_id, ledger, to_date="2025-12-31")
    await pump()  # the announcement reaches Redis ...
    # FLUSHDB on the test database number: the same wipe as FLUSHALL for everything this
    # stack keeps, without touching a developer's stack on the same server.
    await infra.redis.flushdb()  # ... and is lost with everything else

    worker, deps = build_worker(infra)
    consumer = worker.consumer()
    await pump(consumer)
    assert await _status(infra, job) == "queued"  # nothing left on the bus to act on

    # The job has waited longer than its lease: reconciliation announces it again.
    async with infra.uow() as uow:
        await uow.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job.id)
            .values(announced_at=ExportJob.announced_at - timedelta(hours=1))
        )
        await uow.commit()
    assert await reconcile(deps) == 1
    await pump(consumer)

    assert await _status(infra, job) == "succeeded"


async def _status(infra: Infrastructure, job: ExportJob) -> str | None:
    async with infra.sessions() as session:
        return await session.scalar(select(ExportJob.status).where(ExportJob.id == job.id))
