"""Export lifecycle: expiry and cleanup (injected clock), crash take-over, failures, links."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from export_service.bootstrap import build_worker
from export_service.cleanup import run_cleanup
from sqlalchemy import select, update

from shared.domain import exports
from shared.domain.links import make_file_token
from shared.events import ExportRequested
from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from shared.infra.storage import HashingWriter, LocalStorage
from tests.conftest import Pump
from tests.factories import (
    auth_header,
    create_ledger,
    create_tenant,
    queue_ledger_export,
    token_for,
)

from .exporting import JOBS, download, export_and_wait
from .gateway import gateway_client

GRACE = timedelta(hours=1)
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-04-30"}
ENTRIES = [(date(2025, 4, 3), Decimal("10.00"), Decimal("0"))]


async def _job(infra: Infrastructure, job_id: str) -> ExportJob:
    async with infra.sessions() as session:
        job = await session.scalar(select(ExportJob).where(ExportJob.id == uuid.UUID(job_id)))
    assert job is not None
    return job


async def test_expired_files_are_deleted_and_jobs_marked_expired(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    headers = auth_header(token_for(infra.settings, tenant_id))
    storage = LocalStorage(infra.settings.export_dir)
    async with gateway_client(infra) as client:
        job = await export_and_wait(
            client, infra, pump, headers, "ledger", "csv", {"ledger": ledger, **PERIOD}
        )
        stored = await _job(infra, job["id"])
        assert stored.file_path and storage.exists(stored.file_path)

        # Today nothing is due; eight days on (TTL 7 days) the file goes and the job expires.
        assert (await run_cleanup(infra.uow, storage, GRACE)).expired == 0
        later = datetime.now(UTC) + timedelta(days=8)
        report = await run_cleanup(infra.uow, storage, GRACE, now=later)

        assert report.expired >= 1
        assert not storage.exists(stored.file_path)
        assert (await _job(infra, job["id"])).status == "expired"
        polled = (await client.get(f"{JOBS}/{job['id']}", headers=headers)).json()
        assert polled["status"] == "expired"
        assert polled["download_url"] is None
        gone = await client.get(f"{JOBS}/{job['id']}/download", headers=headers)
    assert gone.status_code == 410


async def test_orphans_and_leftover_temporary_files_are_swept(infra: Infrastructure) -> None:
    storage = LocalStorage(infra.settings.export_dir)
    now = datetime.now(UTC)
    orphan = storage.key_for("ghost", uuid.uuid4(), "csv", now)
    leftover = f"ghost/{now:%Y}/{now:%m}/.{uuid.uuid4()}.csv.abc.part"
    fresh_orphan = storage.key_for("ghost", uuid.uuid4(), "pdf", now)
    for key in (orphan, leftover, fresh_orphan):
        path = storage.resolve(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    old = (now - 2 * GRACE).timestamp()
    for key in (orphan, leftover):
        os.utime(storage.resolve(key), (old, old))

    report = await run_cleanup(infra.uow, storage, GRACE)

    assert (report.orphans, report.temporary) == (1, 1)
    assert not storage.exists(orphan)
    assert not storage.exists(leftover)
    assert storage.exists(fresh_orphan)  # younger than the grace period: maybe a render in flight


async def test_a_worker_crash_mid_render_is_taken_over_and_finishes_once(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    job = await queue_ledger_export(infra.uow(), tenant_id, ledger)
    # A first worker claims the job, then dies before finishing (its message is never acked).
    async with infra.uow() as uow:
        assert (
            await exports.claim_job(
                uow, job.id, timedelta(minutes=5), infra.settings.export_max_attempts
            )
            is not None
        )
        await uow.commit()
    worker = build_worker(infra)[0].consumer()
    await pump(worker)
    assert (await _job(infra, str(job.id))).status == "running"  # the live lease is respected

    # The lease runs out; the message (redelivered, or re-announced) is taken over.
    async with infra.uow() as uow:
        await uow.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job.id)
            .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        uow.publish(ExportRequested(tenant_id=tenant_id, job_id=job.id))
        await uow.commit()
    await pump(worker)

    done = await _job(infra, str(job.id))
    assert (done.status, done.attempts) == ("succeeded", 2)
    files = list(infra.settings.export_dir.rglob(f"{job.id}.*"))
    assert len(files) == 1


async def test_a_renderer_error_fails_the_job_with_a_readable_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        created = await client.post(
            JOBS,
            json={"report": "ledger", "format": "csv", "params": {"ledger": ledger, **PERIOD}},
            headers=headers,
        )
        # The books changed between the request and the render: no ledger has that name now.
        async with infra.uow() as uow:
            from shared.infra.db.models import Ledger

            ledger_row = await uow.session.scalar(
                select(Ledger).where(Ledger.tenant_id == tenant_id)
            )
            assert ledger_row is not None
            ledger_row.name = "Sharma & Sons"
            await uow.commit()
        await pump(build_worker(infra)[0].consumer())
        job = (await client.get(created.headers["location"], headers=headers)).json()
    assert job["status"] == "failed"
    assert job["error"] == "ledger: no ledger named 'Sharma Traders'"
    assert "Traceback" not in job["error"]


class _FullDisk(LocalStorage):
    """Storage whose disk fills up after the first few bytes."""

    @contextmanager
    def write_atomically(self, key: str) -> Iterator[HashingWriter]:
        with super().write_atomically(key) as writer:
            real_write = writer.write

            def write(data: bytes) -> int:
                if writer.size > 10:
                    raise OSError(28, "No space left on device")
                return real_write(data)

            writer.write = write  # type: ignore[method-assign]
            yield writer


async def test_a_full_disk_fails_the_job_and_leaves_no_partial_file(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    job = await queue_ledger_export(infra.uow(), tenant_id, ledger)
    worker, deps = build_worker(infra)
    object.__setattr__(deps, "storage", _FullDisk(infra.settings.export_dir))

    await pump(worker.consumer())

    failed = await _job(infra, str(job.id))
    assert failed.status == "failed"
    assert failed.error == "there was not enough disk space to store the export"
    assert list(infra.settings.export_dir.rglob("*")) == [] or not any(
        p.is_file() for p in infra.settings.export_dir.rglob("*")
    )


async def test_public_link_downloads_without_login_and_refuses_tampering_and_expiry(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    headers = auth_header(token_for(infra.settings, tenant_id))
    secret = infra.settings.file_link_secret
    async with gateway_client(infra) as client:
        job = await export_and_wait(
            client, infra, pump, headers, "ledger", "csv", {"ledger": ledger, **PERIOD}
        )
        expected = await download(client, job, headers)
        job_id = uuid.UUID(job["id"])
        token = make_file_token(secret, job_id, datetime.now(UTC) + timedelta(days=1))

        ok = await client.get(f"/api/v1/files/{token}")  # no Authorization header
        tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        forged = make_file_token(
            "another-secret-another-secret-another", job_id, datetime.now(UTC) + timedelta(days=1)
        )
        expired = make_file_token(secret, job_id, datetime.now(UTC) - timedelta(seconds=1))
        responses = {
            "tampered": await client.get(f"/api/v1/files/{tampered}"),
            "forged": await client.get(f"/api/v1/files/{forged}"),
            "garbage": await client.get("/api/v1/files/not-a-token"),
            "expired": await client.get(f"/api/v1/files/{expired}"),
        }
    assert ok.status_code == 200
    assert ok.content == expected
    assert ok.headers["etag"] == f'"{job["sha256"]}"'
    assert {name: r.status_code for name, r in responses.items()} == {
        "tampered": 404,
        "forged": 404,
        "garbage": 404,
        "expired": 410,
    }


async def test_download_has_an_etag_and_honours_if_none_match(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        job = await export_and_wait(
            client, infra, pump, headers, "ledger", "csv", {"ledger": ledger, **PERIOD}
        )
        first = await client.get(job["download_url"], headers=headers)
        again = await client.get(
            job["download_url"], headers={**headers, "If-None-Match": first.headers["etag"]}
        )
    assert first.headers["etag"] == f'"{job["sha256"]}"'
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["", "/{id}", "/{id}/download"])
async def test_every_job_endpoint_is_tenant_isolated(
    infra: Infrastructure, tenant_id: str, pump: Pump, path: str
) -> None:
    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    owner = auth_header(token_for(infra.settings, tenant_id, user_id="owner"))
    async with gateway_client(infra) as client:
        job = await export_and_wait(
            client, infra, pump, owner, "ledger", "csv", {"ledger": ledger, **PERIOD}
        )
        url = JOBS + path.format(id=job["id"])
        other_tenant_admin = auth_header(
            token_for(infra.settings, await create_tenant(infra.uow()), "admin")
        )
        colleague = auth_header(token_for(infra.settings, tenant_id, user_id="colleague"))
        admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
        outsider = await client.get(url, headers=other_tenant_admin)
        peer = await client.get(url, headers=colleague)
        boss = await client.get(url, headers=admin)
    if path == "":
        assert outsider.json()["items"] == [] and peer.json()["items"] == []
        assert [j["id"] for j in boss.json()["items"]] == [job["id"]]
    else:
        assert (outsider.status_code, peer.status_code, boss.status_code) == (404, 404, 200)


async def test_a_worker_that_lost_its_lease_cannot_touch_the_winners_file(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    from export_service.render import render_job

    ledger = await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    job = await queue_ledger_export(infra.uow(), tenant_id, ledger)
    storage = LocalStorage(infra.settings.export_dir)
    async with infra.uow() as uow:  # worker A claims, then stalls past its lease
        slow = await exports.claim_job(
            uow, job.id, timedelta(seconds=-1), infra.settings.export_max_attempts
        )
        await uow.commit()
    assert slow is not None
    await pump(build_worker(infra)[0].consumer())  # worker B takes over and finishes
    winner = await _job(infra, str(job.id))
    assert (winner.status, winner.attempts) == ("succeeded", 2)

    late = await render_job(infra, storage, slow)  # A wakes up and completes its render
    async with infra.uow() as uow:
        lost = await exports.mark_succeeded(
            uow,
            slow,
            file_path=late.stored.key,
            file_name=late.file_name,
            file_size=late.stored.size,
            sha256=late.stored.sha256,
            row_count=1,
            ttl=timedelta(days=1),
        )
        await uow.commit()
    assert lost is None
    assert late.stored.key != winner.file_path  # A wrote its own file, never B's
    assert winner.file_path is not None and storage.exists(winner.file_path)
    assert (await _job(infra, str(job.id))).sha256 == winner.sha256
