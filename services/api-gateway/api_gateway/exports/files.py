"""Serving a finished export's file (content type, readable name, ETag, expiry), and finding
the job behind a signed public link."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request, Response
from fastapi.responses import FileResponse
from sqlalchemy import select

from api_gateway.http.openapi import problems
from api_gateway.http.problems import ProblemError
from shared.domain.file_names import content_disposition
from shared.domain.links import InvalidLinkError, read_file_token
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ExportJob
from shared.infra.storage import LocalStorage
from shared.states import ExportStatus

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
_FILE = {"schema": {"type": "string", "format": "binary"}}
# What a download answers, for the OpenAPI document of the routes that serve files.
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, under its readable name (Content-Disposition)",
        "content": {media.split(";")[0]: _FILE for media in MEDIA_TYPES.values()},
    },
    304: {"description": "Not modified: the If-None-Match ETag is the file's"},
    **problems(404, 409, 410),
}


def serve_export_file(request: Request, job: ExportJob, storage: LocalStorage) -> Response:
    """The file of a succeeded job; 409 while not ready, 410 once expired or gone."""
    expired = job.expires_at is not None and job.expires_at <= datetime.now(UTC)
    if job.status == ExportStatus.EXPIRED or (job.status == ExportStatus.SUCCEEDED and expired):
        raise ProblemError(410, "this export has expired; run it again")
    if job.status != ExportStatus.SUCCEEDED or not job.file_path or not job.file_name:
        raise ProblemError(409, f"the export is {job.status}, not ready to download")
    path = storage.resolve(job.file_path)
    if not path.is_file():
        raise ProblemError(410, "the file is no longer stored; run the export again")
    etag = f'"{job.sha256}"'
    cache = {"ETag": etag, "Cache-Control": "private, no-transform"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=cache)
    # The name in its own script with a transliterated ASCII fallback (RFC 6266), not
    # Starlette's, which drops the fallback for a non-ASCII name.
    headers = {**cache, "Content-Disposition": content_disposition(job.file_name)}
    return FileResponse(path, media_type=MEDIA_TYPES[job.format], headers=headers)


async def linked_job(uow: UnitOfWork, link_secret: str, token: str) -> ExportJob:
    """The job a public link is bound to; 404 when tampered with or unknown, 410 once expired."""
    try:
        link = read_file_token(link_secret, token)
    except InvalidLinkError:
        raise ProblemError(404, "no such file") from None
    if link.expires_at <= datetime.now(UTC):
        raise ProblemError(410, "this link has expired; ask the sender for a new one")
    job = await uow.session.scalar(select(ExportJob).where(ExportJob.id == link.job_id))
    if job is None:
        raise ProblemError(404, "no such file")
    return job
