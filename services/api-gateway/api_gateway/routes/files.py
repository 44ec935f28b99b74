"""Public, signed download links (the form used in emails): no login, bound to one job."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from shared.db.models import ExportJob
from shared.links import InvalidLinkError, read_file_token

from ..deps import SettingsDep, StorageDep, UowDep
from ..files import serve_export_file
from ..problems import ProblemError

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{token}")
async def download_by_link(
    token: str, request: Request, uow: UowDep, settings: SettingsDep, storage: StorageDep
) -> Response:
    """Download a report through the expiring link in an email; 404 if tampered, 410 if expired."""
    try:
        link = read_file_token(settings.file_link_secret, token)
    except InvalidLinkError:
        raise ProblemError(404, "no such file") from None
    if link.expires_at <= datetime.now(UTC):
        raise ProblemError(410, "this link has expired; ask the sender for a new one")
    job = await uow.session.scalar(select(ExportJob).where(ExportJob.id == link.job_id))
    if job is None:
        raise ProblemError(404, "no such file")
    return serve_export_file(request, job, storage)
