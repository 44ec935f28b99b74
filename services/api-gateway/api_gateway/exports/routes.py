"""Export jobs: submit, poll, list, download."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse

from api_gateway.exports.files import FILE_RESPONSES, serve_export_file
from api_gateway.exports.schemas import (
    ExportJobCreate,
    ExportJobPage,
    ExportJobPublic,
    ExportStatusField,
)
from api_gateway.exports.use_cases import find_job, list_jobs, submit_export
from api_gateway.http.deps import CurrentUser, IdempotencyKey, SettingsDep, StorageDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.http.pagination import Cursor
from api_gateway.http.text_query import NO_NUL, text_query

router = APIRouter(prefix="/exports/jobs", tags=["exports"])

MAX_PAGE_SIZE = 100


@router.post("", status_code=202, responses=problems(404, 409))
async def create_job(
    body: ExportJobCreate,
    user: CurrentUser,
    uow: UowDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ExportJobPublic:
    """Queue a report export; poll the returned job (also in the Location header)."""
    job, _ = await submit_export(
        uow,
        settings,
        user,
        report=body.report,
        format=body.format,
        params=body.params,
        language=body.language,
        idempotency_key=idempotency_key,
    )
    response.headers["Location"] = f"/api/v1/exports/jobs/{job.id}"
    return ExportJobPublic.from_job(job)


@router.get("")
async def list_export_jobs(
    user: CurrentUser,
    uow: UowDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
    cursor: Cursor = None,
    status: ExportStatusField | None = None,
    report: Annotated[str | None, text_query(), NO_NUL] = None,
) -> ExportJobPage:
    """The caller's jobs (admins: the tenant's), newest first."""
    jobs, next_cursor = await list_jobs(
        uow, user, limit=limit, cursor=cursor, status=status, report=report
    )
    return ExportJobPage(items=[ExportJobPublic.from_job(j) for j in jobs], next_cursor=next_cursor)


@router.get("/{job_id:uuid}", responses=problems(404))
async def read_job(job_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> ExportJobPublic:
    """One job's status, progress and, once succeeded, its download URL."""
    return ExportJobPublic.from_job(await find_job(uow, user, job_id))


@router.get("/{job_id:uuid}/download", response_class=FileResponse, responses=FILE_RESPONSES)
async def download_job(
    job_id: uuid.UUID, user: CurrentUser, uow: UowDep, storage: StorageDep, request: Request
) -> Response:
    """The finished file under its readable name (requester or tenant admin)."""
    return serve_export_file(request, await find_job(uow, user, job_id), storage)
