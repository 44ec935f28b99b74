"""Public, signed download links (the form used in emails): no login, bound to one job."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from api_gateway.exports.files import FILE_RESPONSES, linked_job, serve_export_file
from api_gateway.http.deps import SettingsDep, StorageDep, UowDep

router = APIRouter(prefix="/files", tags=["files"])


@router.get("/{token}", response_class=FileResponse, responses=FILE_RESPONSES)
async def download_by_link(
    token: str, request: Request, uow: UowDep, settings: SettingsDep, storage: StorageDep
) -> Response:
    """Download a report through the expiring link in an email; 404 if tampered, 410 if expired."""
    job = await linked_job(uow, settings.file_link_secret, token)
    return serve_export_file(request, job, storage)
