"""Request and response bodies (`XCreate` in, `XPublic` out)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, GetPydanticSchema
from pydantic_core import core_schema

from shared.domain.reports import REGISTRY, AnyReport, ReportName
from shared.infra.db.models import ExportJob
from shared.languages import Language
from shared.states import (
    AuditStatus,
    EmailStatus,
    EmailTestStatus,
    ExportStatus,
    RecipientStatus,
    RunStatus,
)


def listed(statuses: type[StrEnum]) -> GetPydanticSchema:
    """Check and document a status as the `Literal` of its words, then hand over the enum.

    A bare `StrEnum` would become a `$ref` in the OpenAPI document and name its members in
    error messages; this keeps the inline `enum` of words and the messages clients know.
    """
    words = cast(Any, Literal)[tuple(status.value for status in statuses)]
    return GetPydanticSchema(
        lambda _source, handler: core_schema.no_info_after_validator_function(
            statuses, handler(words)
        )
    )


ExportStatusField = Annotated[ExportStatus, listed(ExportStatus)]
EmailStatusField = Annotated[EmailStatus, listed(EmailStatus)]
RunStatusField = Annotated[RunStatus, listed(RunStatus)]
AuditStatusField = Annotated[AuditStatus, listed(AuditStatus)]
EmailTestStatusField = Annotated[EmailTestStatus, listed(EmailTestStatus)]
RecipientStatusField = Annotated[RecipientStatus, listed(RecipientStatus)]

ExportFormat = Literal["csv", "xlsx", "pdf"]


def _params_by_report(schema: dict[str, Any]) -> None:
    """Document `params` (and `format`) per report: the body is one of these shapes."""
    branches = []
    for definition in REGISTRY.values():
        params = definition.request_params_schema()
        branches.append(
            {
                "properties": {
                    "report": {"const": definition.name},
                    "format": {"enum": sorted(definition.formats)},
                    "params": params,
                },
                "required": ["report", "params"] if params["required"] else ["report"],
            }
        )
    schema["oneOf"] = branches


class ExportJobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_params_by_report)

    report: ReportName
    format: ExportFormat
    params: dict[str, Any] = Field(default_factory=dict)
    language: Language | None = Field(
        default=None,
        description=(
            "The language of the document's fixed words (titles, column headings, Dr/Cr, "
            "totals); omit for a statement's party's (its directory entry's), else the "
            "tenant's default."
        ),
    )


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
    language: str
    status: ExportStatusField
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
        url = (
            f"/api/v1/exports/jobs/{job.id}/download"
            if job.status == ExportStatus.SUCCEEDED
            else None
        )
        return cls(**ExportJobColumns.model_validate(job).model_dump(), download_url=url)


class ExportJobPage(BaseModel):
    items: list[ExportJobPublic]
    next_cursor: str | None


FORMAT_ORDER = ("csv", "xlsx", "pdf")


class RecipientPolicyPublic(BaseModel):
    internal_only: bool = Field(description="Every address must be in the tenant's domains.")
    directory_param: str | None = Field(
        description="When To is empty, the party directory's entry for this parameter fills it."
    )
    distribution_lists: bool


class ReportPublic(BaseModel):
    """A report as the SPA offers it, read from its definition."""

    name: str
    title: str
    formats: list[str]
    params: list[str] = Field(description="The parameters of an export.")
    schedule_params: list[str] = Field(description="The parameters a schedule saves.")
    recipient_policy: RecipientPolicyPublic
    email_path: str | None = Field(description="Where to POST to email it; null: no endpoint.")

    @classmethod
    def of(cls, report: AnyReport) -> ReportPublic:
        policy = report.recipients
        return cls(
            name=report.name,
            title=report.title,
            formats=[f for f in FORMAT_ORDER if f in report.formats],
            params=list(report.params_model.model_fields),
            schedule_params=list(report.schedule_params_model.model_fields),
            recipient_policy=RecipientPolicyPublic(
                internal_only=policy.internal_only,
                directory_param=policy.directory_param,
                distribution_lists=policy.allows_distribution_lists,
            ),
            email_path=f"/api/v1/reports/{report.name}/email" if report.email_body else None,
        )
