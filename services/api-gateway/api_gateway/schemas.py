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


class RowPublic(BaseModel):
    """A response body read from an ORM row's attributes: `Body.model_validate(row)`.

    A field whose column has another name reads it with `Field(validation_alias="column")`.
    That alias is for reading only: responses and the OpenAPI document keep the field's name.
    """

    model_config = ConfigDict(from_attributes=True, validate_by_name=True)


class ExportJobColumns(RowPublic):
    """The columns of an export job that `ExportJobPublic` shows as they are."""

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


class ExportJobPublic(ExportJobColumns):
    download_url: str | None

    @classmethod
    def from_job(cls, job: ExportJob) -> ExportJobPublic:
        url = f"/api/v1/exports/jobs/{job.id}/download" if job.status == "succeeded" else None
        return cls(**ExportJobColumns.model_validate(job).model_dump(), download_url=url)


class ExportJobPage(BaseModel):
    items: list[ExportJobPublic]
    next_cursor: str | None
