"""Bodies of the schedules API (`ScheduleWrite` in, `SchedulePublic` out).

Pydantic checks shapes and sizes; the meaning (cron, timezone, period, ledger, recipients) is
checked in `rules.py`, which names each bad field by its path in the body.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from api_gateway.emails.schemas import AuditPublic
from api_gateway.exports.schemas import ExportStatusField, RowPublic, RunStatusField
from shared.domain.addresses import AddressField
from shared.domain.bounces.recipients import RecipientOutcome
from shared.domain.recurrence import Preview
from shared.domain.reports import ReportName, schedule_params_summary
from shared.domain.run_retries import RunRetry
from shared.infra.db.models import EmailAudit, ExportJob, ReportSchedule, ScheduleRun

ScheduleFormat = Literal["csv", "xlsx", "pdf"]
MAX_LIST = 200  # bigger lists are refused by the schema, before any work
MAX_PREVIEW = 50
DEFAULT_PREVIEW = 5

Address = AddressField


class PresetIn(BaseModel):
    """A friendly recurrence, stored as the cron expression it produces."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["daily", "weekly", "monthly"]
    time: str = Field(max_length=5, description="Local time, `HH:MM` (24-hour).")
    days: list[str] | None = Field(
        default=None, max_length=7, description='Weekly only: `["mon", "thu"]`.'
    )
    day: int | Literal["last"] | None = Field(
        default=None, description='Monthly only: 1..31 or `"last"`.'
    )

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class Recurrence(BaseModel):
    """Either `cron` or `preset`, in `timezone` (default: the tenant's)."""

    cron: str | None = Field(
        default=None, max_length=120, description="Five fields: minute hour day month weekday."
    )
    preset: PresetIn | None = None
    timezone: str | None = Field(default=None, max_length=64, description="IANA, e.g. Asia/Kolkata")


class RecipientsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: list[Address] = Field(
        default_factory=list,
        max_length=MAX_LIST,
        description="Ledger: may be empty when the party directory has an entry for the ledger.",
    )
    cc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    bcc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    distribution_list_id: uuid.UUID | None = Field(
        default=None, description="Outstanding only: an internal distribution list."
    )


class ScheduleWrite(Recurrence):
    """A whole schedule: create, or replace every field on update."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["report", "statement_run"] = Field(
        default="report",
        description="`statement_run`: each run starts a statement run (`params`: its `group` "
        "or `ledgers`, `period`, `n` and flags; `report` ledger, no recipients).",
    )
    report: ReportName
    format: ScheduleFormat = "pdf"
    params: dict[str, Any] = Field(description=schedule_params_summary())
    recipients: RecipientsIn = Field(default_factory=RecipientsIn)
    subject: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=10_000)
    enabled: bool = True
    skip_if_empty: bool = False


class PreviewRequest(Recurrence):
    """An unsaved recurrence; the other fields of a schedule body may be sent and are ignored,
    so the UI can post its form as it stands."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)


class ScheduleRecipientsPublic(BaseModel):
    to: list[str]
    cc: list[str]
    bcc: list[str]
    distribution_list_id: uuid.UUID | None


class SchedulePublic(RowPublic):
    id: uuid.UUID
    name: str
    owner: str
    owner_email: str | None
    kind: Literal["report", "statement_run"]
    report: str
    format: str
    params: dict[str, Any]
    cron: str
    timezone: str
    recipients: ScheduleRecipientsPublic
    subject: str | None
    message: str | None
    enabled: bool
    skip_if_empty: bool
    paused_reason: str | None
    consecutive_failures: int
    next_run_at: datetime | None
    last_run_at: datetime | None
    last_run_status: RunStatusField | None
    created_at: datetime
    updated_at: datetime | None

    @classmethod
    def from_row(cls, row: ReportSchedule) -> SchedulePublic:
        return cls.model_validate(row)

    @field_validator("recipients", mode="before")
    @classmethod
    def _stored_recipients(cls, stored: dict[str, Any] | None) -> dict[str, Any]:
        """The JSON column may leave a key out: an empty list, or no distribution list."""
        return {"to": [], "cc": [], "bcc": [], "distribution_list_id": None, **(stored or {})}


class SchedulePage(BaseModel):
    items: list[SchedulePublic]
    next_cursor: str | None


class PreviewRunPublic(BaseModel):
    local: datetime = Field(description="In the schedule's timezone, with its offset.")
    utc: datetime


class PreviewPublic(BaseModel):
    cron: str
    timezone: str
    runs: list[PreviewRunPublic]

    @classmethod
    def of(cls, cron: str, timezone: str, runs: list[Preview]) -> PreviewPublic:
        return cls(
            cron=cron,
            timezone=timezone,
            runs=[PreviewRunPublic(local=run.local, utc=run.utc) for run in runs],
        )


class RunRetryPublic(BaseModel):
    """A run waiting to try a step again: why the last attempt failed and when the next is due."""

    step: Literal["export", "email"] = Field(
        description="`export`: the run itself is `retrying`; `email`: the run is `sending` "
        "while its email waits for the mail-service's next attempt."
    )
    attempts: int = Field(description="Attempts of that step made so far.")
    max_attempts: int = Field(description="Attempts allowed before the run fails.")
    last_error: str = Field(description="Why the last attempt failed, as the step recorded it.")
    next_attempt_at: datetime | None = Field(
        description="When the next attempt is due (UTC); null when not yet known."
    )


class RunPublic(RowPublic):
    id: uuid.UUID
    schedule_id: uuid.UUID
    trigger: str
    scheduled_for: datetime
    started_at: datetime | None
    finished_at: datetime | None
    status: RunStatusField
    attempts: int
    error: str | None
    export_job_id: uuid.UUID | None
    email_id: uuid.UUID | None
    created_at: datetime
    retry: RunRetryPublic | None = Field(
        default=None, description="Set while the run waits to try its export or email again."
    )

    @classmethod
    def from_row(cls, run: ScheduleRun, retry: RunRetry | None = None) -> RunPublic:
        public = cls.model_validate(run)
        if retry is not None:
            public.retry = RunRetryPublic.model_validate(retry, from_attributes=True)
        return public


class RunPage(BaseModel):
    items: list[RunPublic]
    next_cursor: str | None


class ExportSummaryPublic(RowPublic):
    id: uuid.UUID
    status: ExportStatusField
    row_count: int | None
    file_name: str | None
    error: str | None


class RunDetailPublic(RunPublic):
    export: ExportSummaryPublic | None
    audit: list[AuditPublic] = Field(description="Every send attempt of the run, oldest first.")

    @classmethod
    def from_rows(
        cls,
        run: ScheduleRun,
        job: ExportJob | None,
        audit: list[EmailAudit],
        retry: RunRetry | None = None,
        outcomes: dict[uuid.UUID, list[RecipientOutcome]] | None = None,
    ) -> RunDetailPublic:
        return cls(
            **RunPublic.from_row(run, retry).model_dump(),
            export=None if job is None else ExportSummaryPublic.model_validate(job),
            audit=AuditPublic.from_rows(audit, outcomes or {}),
        )
