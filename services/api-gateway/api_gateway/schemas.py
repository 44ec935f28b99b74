"""Request and response bodies (`XCreate` in, `XPublic` out)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.db.models import ExportJob

ExportFormat = Literal["csv", "xlsx", "pdf"]
ExportStatus = Literal["queued", "running", "succeeded", "failed", "expired"]


class ExportJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    report: Literal["ledger", "outstanding"]
    format: ExportFormat
    params: dict[str, Any] = Field(default_factory=dict)


class ExportJobPublic(BaseModel):
    id: uuid.UUID
    report: str
    format: str
    params: dict[str, Any]
    status: ExportStatus
    progress: int
    row_count: int | None
    file_name: str | None
    file_size: int | None
    sha256: str | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    expires_at: datetime | None
    download_url: str | None

    @classmethod
    def from_job(cls, job: ExportJob) -> ExportJobPublic:
        succeeded = job.status == "succeeded"
        return cls(
            id=job.id,
            report=job.report,
            format=job.format,
            params=job.params,
            status=job.status,
            progress=job.progress,
            row_count=job.row_count,
            file_name=job.file_name,
            file_size=job.file_size,
            sha256=job.sha256,
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            expires_at=job.expires_at,
            download_url=f"/api/v1/exports/jobs/{job.id}/download" if succeeded else None,
        )


class ExportJobPage(BaseModel):
    items: list[ExportJobPublic]
    next_cursor: str | None
