"""Email and audit bodies returned by the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from shared.db.models import Email, EmailAudit

AuditStatus = Literal["sending", "sent", "failed", "retrying", "rejected"]
EmailTrigger = Literal["manual", "scheduled", "test"]


class EmailPublic(BaseModel):
    id: uuid.UUID
    status: str
    trigger: str
    report: str | None
    export_job_id: uuid.UUID | None
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str
    attempts: int
    max_attempts: int
    error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_row(cls, email: Email) -> EmailPublic:
        return cls(
            id=email.id,
            status=email.status,
            trigger=email.trigger,
            report=email.report,
            export_job_id=email.export_job_id,
            to=email.to_addresses,
            cc=email.cc_addresses,
            bcc=email.bcc_addresses,
            subject=email.subject,
            attempts=email.attempts,
            max_attempts=email.max_attempts,
            error=email.error,
            next_attempt_at=email.next_attempt_at,
            created_at=email.created_at,
            sent_at=email.sent_at,
        )


class AuditPublic(BaseModel):
    id: uuid.UUID
    email_id: uuid.UUID | None
    trigger: str
    report: str | None
    export_job_id: uuid.UUID | None
    requested_by: str
    from_email: str | None
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str | None
    delivery_mode: str | None
    attachment_name: str | None
    attachment_size: int | None
    attempt: int
    status: str
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
        return cls(
            id=row.id,
            email_id=row.email_id,
            trigger=row.trigger,
            report=row.report,
            export_job_id=row.export_job_id,
            requested_by=row.requested_by,
            from_email=row.from_email,
            to=row.to_addresses,
            cc=row.cc_addresses,
            bcc=row.bcc_addresses,
            subject=row.subject,
            delivery_mode=row.delivery_mode,
            attachment_name=row.attachment_name,
            attachment_size=row.attachment_size,
            attempt=row.attempt,
            status=row.status,
            smtp_code=row.smtp_code,
            smtp_reply=row.smtp_reply,
            error_class=row.error_class,
            error=row.error,
            refused_recipients=row.refused_recipients,
            duration_ms=row.duration_ms,
            created_at=row.created_at,
            finished_at=row.finished_at,
        )


class AuditPage(BaseModel):
    items: list[AuditPublic]
    next_cursor: str | None

    @classmethod
    def from_rows(cls, rows: list[EmailAudit], next_cursor: str | None) -> AuditPage:
        return cls(items=[AuditPublic.from_row(r) for r in rows], next_cursor=next_cursor)
