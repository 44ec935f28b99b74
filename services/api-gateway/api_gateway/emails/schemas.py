"""Email and audit bodies returned by the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api_gateway.exports.schemas import AuditStatusField, EmailStatusField, RowPublic
from shared.infra.db.models import Email, EmailAudit

EmailTrigger = Literal["manual", "scheduled", "test"]


class EmailPublic(RowPublic):
    id: uuid.UUID
    status: EmailStatusField
    trigger: str
    report: str | None
    export_job_id: uuid.UUID | None
    to: list[str] = Field(validation_alias="to_addresses")
    cc: list[str] = Field(validation_alias="cc_addresses")
    bcc: list[str] = Field(validation_alias="bcc_addresses")
    subject: str
    attempts: int
    max_attempts: int
    error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_row(cls, email: Email) -> EmailPublic:
        return cls.model_validate(email)


class AuditPublic(RowPublic):
    id: uuid.UUID
    email_id: uuid.UUID | None
    trigger: str
    report: str | None
    export_job_id: uuid.UUID | None
    requested_by: str
    from_email: str | None
    to: list[str] = Field(validation_alias="to_addresses")
    cc: list[str] = Field(validation_alias="cc_addresses")
    bcc: list[str] = Field(validation_alias="bcc_addresses")
    subject: str | None
    delivery_mode: str | None
    attachment_name: str | None
    attachment_size: int | None
    attempt: int
    status: AuditStatusField
    smtp_code: int | None
    smtp_reply: str | None
    error_class: str | None
    error: str | None
    refused_recipients: dict[str, str] | None
    duration_ms: int | None
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def from_row(cls, row: EmailAudit) -> AuditPublic:
        return cls.model_validate(row)


class AuditPage(BaseModel):
    items: list[AuditPublic]
    next_cursor: str | None

    @classmethod
    def from_rows(cls, rows: list[EmailAudit], next_cursor: str | None) -> AuditPage:
        return cls(items=[AuditPublic.from_row(r) for r in rows], next_cursor=next_cursor)
