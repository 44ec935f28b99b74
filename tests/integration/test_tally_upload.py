"""An admin uploads Tally exports; the export-service imports them in the background."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from export_service.bootstrap import build_worker
from sqlalchemy import update

from shared.infra.db.models import BookImport
from shared.infra.runtime import Infrastructure
from shared.infra.storage import LocalStorage
from tests import tally_exports as tally
from tests.conftest import Pump
from tests.factories import auth_header, token_for

from .gateway import gateway_client

UPLOAD = "/api/v1/admin/imports/tally"


async def test_an_upload_is_imported_and_reported(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    masters = tally.write_export(tmp_path / "m.xml", "All Masters", tally.MASTERS, "utf-16")
    day_book = tally.write_export(tmp_path / "d.xml", "Day Book", tally.DAY_BOOK, "utf-16")
    admin = auth_header(token_for(infra.settings, tenant_id, role="admin"))
    async with gateway_client(infra) as client:
        queued = await client.post(
            UPLOAD,
            files=[
                ("files", ("Master.xml", masters.read_bytes(), "text/xml")),
                ("files", ("DayBook.xml", day_book.read_bytes(), "text/xml")),
            ],
            headers=admin,
        )
        assert queued.status_code == 202, queued.text
        assert queued.json()["status"] == "queued"
        await pump(build_worker(infra)[0].consumer())
        done = await client.get(queued.headers["location"], headers=admin)
        listed = await client.get("/api/v1/admin/imports", headers=admin)
    body = done.json()
    assert body["status"] == "succeeded", body
    assert body["file_names"] == ["Master.xml", "DayBook.xml"]
    assert body["report"]["vouchers"]["applied"] == 5
    assert body["report"]["bills"]["applied"] == 4
    assert [item["id"] for item in listed.json()] == [body["id"]]
    # The uploaded files are gone once imported.
    assert list(LocalStorage(infra.settings.import_dir).files()) == []


async def test_an_unreadable_upload_fails_with_the_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    admin = auth_header(token_for(infra.settings, tenant_id, role="admin"))
    async with gateway_client(infra) as client:
        queued = await client.post(
            UPLOAD, files=[("files", ("x.xml", b"<ENVELOPE><BODY>", "text/xml"))], headers=admin
        )
        await pump(build_worker(infra)[0].consumer())
        done = (await client.get(queued.headers["location"], headers=admin)).json()
    assert done["status"] == "failed"
    assert "not a readable Tally XML export" in done["error"]


async def test_uploads_are_for_admins_and_capped(infra: Infrastructure, tenant_id: str) -> None:
    infra.settings = infra.settings.model_copy(update={"tally_import_max_bytes": 2048})
    user = auth_header(token_for(infra.settings, tenant_id))
    admin = auth_header(token_for(infra.settings, tenant_id, role="admin"))
    async with gateway_client(infra) as client:
        refused = await client.post(UPLOAD, files=[("files", ("a.xml", b"<a/>"))], headers=user)
        too_large = await client.post(
            UPLOAD, files=[("files", ("a.xml", b"<a>" + b"x" * 4000 + b"</a>"))], headers=admin
        )
        no_files = await client.post(UPLOAD, files=[("other", ("a.txt", b"x"))], headers=admin)
        not_multipart = await client.post(UPLOAD, content=b"<a/>", headers=admin)
    assert refused.status_code == 403
    assert too_large.status_code == 413
    assert (no_files.status_code, no_files.json()["errors"][0]["field"]) == (422, "files")
    assert not_multipart.status_code == 415


async def test_an_import_whose_worker_keeps_dying_gives_up_readably(
    infra: Infrastructure, tenant_id: str, pump: Pump, tmp_path: Path
) -> None:
    masters = tally.write_export(tmp_path / "m.xml", "All Masters", tally.MASTERS, "utf-8")
    admin = auth_header(token_for(infra.settings, tenant_id, role="admin"))
    async with gateway_client(infra) as client:
        queued = await client.post(
            UPLOAD, files=[("files", ("m.xml", masters.read_bytes(), "text/xml"))], headers=admin
        )
        import_id = queued.json()["id"]
        # Three attempts whose workers died mid-import: running, the last lease run out.
        async with infra.uow() as uow:
            await uow.session.execute(
                update(BookImport)
                .where(BookImport.id == import_id)
                .values(
                    status="running",
                    attempts=infra.settings.tally_import_max_attempts,
                    lease_expires_at=datetime.now(UTC) - timedelta(seconds=1),
                )
            )
            await uow.commit()
        await pump(build_worker(infra)[0].consumer())
        done = (await client.get(queued.headers["location"], headers=admin)).json()
    assert done["status"] == "failed"
    assert done["error"] == (
        "gave up after 3 attempts: attempt 3 stopped before finishing (its worker died)"
    )
