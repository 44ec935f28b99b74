"""`POST /admin/imports/tally` (multipart, one or more `files`) → 202 with the import;
`GET /admin/imports/{id}` shows its progress and, at the end, its report like the party
import's; `GET /admin/imports` lists the tenant's recent imports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel
from sqlalchemy import select
from starlette.datastructures import UploadFile

from api_gateway.http.deps import AdminUser, SettingsDep, UowDep
from api_gateway.http.problems import ProblemError, field_error
from shared.domain.books.imports import request_import
from shared.infra.db.models import BookImport
from shared.infra.settings import Settings
from shared.infra.storage import LocalStorage

router = APIRouter(prefix="/admin/imports", tags=["admin"])
TALLY_PATH = "/admin/imports/tally"
# Room for the multipart boundaries and part headers around the files.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
COPY_CHUNK_BYTES = 1024 * 1024
RECENT_IMPORTS = 20
# The document is built once, from the default; a deployment that changes the setting says so.
TALLY_MAX_FILES_DOCUMENTED = Settings.model_fields["tally_import_max_files"].default

_UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "minItems": 1,
                            "maxItems": TALLY_MAX_FILES_DOCUMENTED,
                            "description": "Tally XML exports: masters and Day Book",
                        }
                    },
                    "required": ["files"],
                }
            }
        },
    }
}


class BookImportPublic(BaseModel):
    id: uuid.UUID
    status: str
    file_names: list[str]
    total_bytes: int
    vouchers_read: int
    report: dict[str, Any] | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, row: BookImport) -> BookImportPublic:
        return cls(
            id=row.id,
            status=str(row.status),
            file_names=list(row.file_names),
            total_bytes=row.total_bytes,
            vouchers_read=row.progress,
            report=row.report,
            error=row.error,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
        )


@router.post(
    "/tally",
    status_code=202,
    openapi_extra=_UPLOAD_DOC,
    responses={
        413: {"description": "Over TALLY_IMPORT_MAX_BYTES"},
        415: {"description": "Not multipart/form-data"},
    },
)
async def upload_tally(
    admin: AdminUser, request: Request, response: Response, uow: UowDep, settings: SettingsDep
) -> BookImportPublic:
    """Queue an import of Tally XML exports (masters and Day Book) into the tenant's books."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "multipart/form-data":
        raise ProblemError(415, "send the files as multipart/form-data (field `files`)")
    async with request.form(max_files=settings.tally_import_max_files, max_fields=10) as form:
        uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        if not uploads:
            raise field_error("files", "attach one or more Tally XML files as `files`")
        import_id = uuid.uuid4()
        storage = LocalStorage(settings.import_dir)
        keys = [f"{admin.tenant_id}/{import_id}.{n}.xml" for n in range(1, len(uploads) + 1)]
        try:
            total = await _store(uploads, keys, storage, settings.tally_import_max_bytes)
        except BaseException:
            for key in keys:
                storage.delete(key)
            raise
    row = request_import(
        uow,
        import_id=import_id,
        tenant_id=admin.tenant_id,
        requested_by=admin.user_id,
        file_names=[
            (upload.filename or f"file-{n}.xml")[:255] for n, upload in enumerate(uploads, 1)
        ],
        file_keys=keys,
        total_bytes=total,
    )
    await uow.commit()
    await uow.session.refresh(row)
    response.headers["Location"] = f"{request.url.path.rsplit('/', 1)[0]}/{import_id}"
    return BookImportPublic.of(row)


async def _store(
    uploads: list[UploadFile], keys: list[str], storage: LocalStorage, limit: int
) -> int:
    total = 0
    for upload, key in zip(uploads, keys, strict=True):
        with storage.write_atomically(key) as out:
            while chunk := await upload.read(COPY_CHUNK_BYTES):
                total += len(chunk)
                if total > limit:
                    raise ProblemError(
                        413,
                        f"the files together are over {limit} bytes (TALLY_IMPORT_MAX_BYTES)",
                        code="import_too_large",
                    )
                out.write(chunk)
    return total


@router.get("/{import_id:uuid}", responses={404: {"description": "No such import in this tenant"}})
async def read_import(
    import_id: Annotated[uuid.UUID, Path()], admin: AdminUser, uow: UowDep
) -> BookImportPublic:
    row = await uow.session.scalar(
        select(BookImport).where(
            BookImport.id == import_id, BookImport.tenant_id == admin.tenant_id
        )
    )
    if row is None:
        raise ProblemError(404, "no such import", code="import_not_found")
    return BookImportPublic.of(row)


@router.get("")
async def list_imports(admin: AdminUser, uow: UowDep) -> list[BookImportPublic]:
    """The tenant's most recent imports, newest first."""
    rows = await uow.session.scalars(
        select(BookImport)
        .where(BookImport.tenant_id == admin.tenant_id)
        .order_by(BookImport.created_at.desc())
        .limit(RECENT_IMPORTS)
    )
    return [BookImportPublic.of(row) for row in rows]
