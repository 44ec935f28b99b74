"""Bodies of the send-report-by-email endpoints."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .schemas import EmailStatusField

Address = str  # validated by shared.addresses; kept loose here so errors can name the field
MAX_LIST = 200  # bodies larger than this are refused by the schema, before any work


class LedgerEmailCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ledger: str = Field(min_length=1, max_length=200)
    from_date: date
    to_date: date
    format: Literal["csv", "xlsx", "pdf"] = "pdf"
    to: list[Address] | None = Field(
        default=None,
        max_length=MAX_LIST,
        description="Omit to use the party email directory's entry for the ledger.",
    )
    cc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    bcc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    subject: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=10_000)


class OutstandingEmailCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    as_of: date | None = None
    kind: Literal["receivable", "payable"]
    format: Literal["csv", "xlsx", "pdf"] = "pdf"
    to: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    cc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    bcc: list[Address] = Field(default_factory=list, max_length=MAX_LIST)
    distribution_list_id: uuid.UUID | None = None
    subject: str | None = Field(default=None, max_length=300)
    message: str | None = Field(default=None, max_length=10_000)


class RecipientsPublic(BaseModel):
    to: list[str]
    cc: list[str]
    bcc: list[str]


class ReportEmailAccepted(BaseModel):
    email_id: uuid.UUID
    export_job_id: uuid.UUID
    status: EmailStatusField
    recipients: RecipientsPublic
    # Where To came from: "directory" (auto-filled), "typed" or "distribution_list".
    to_source: Literal["directory", "typed", "distribution_list"]
    subject: str
