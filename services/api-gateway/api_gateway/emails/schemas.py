"""Email and audit bodies returned by the API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from api_gateway.exports.schemas import (
    AuditStatusField,
    EmailStatusField,
    RecipientStatusField,
    RowPublic,
)
from shared.domain.bounces.recipients import RecipientOutcome
from shared.infra.db.models import Email, EmailAudit

EmailTrigger = Literal["manual", "scheduled", "test"]
RECIPIENTS_DESCRIPTION = (
    "Each recipient with its status: accepted or refused by our SMTP server, or bounced (a "
    "delivery status notification read from the tenant's mailbox); null while not known yet."
)


class RecipientPublic(BaseModel):
    address: str
    kind: Literal["to", "cc", "bcc"]
    status: RecipientStatusField | None
    status_code: str | None = Field(
        description="A bounce's enhanced status code (5.1.1) or the refusal's SMTP code"
    )
    diagnostic: str | None = Field(description="The receiving server's words")
    bounced_at: datetime | None = Field(description="When the bounce was read")

    @classmethod
    def from_outcome(cls, outcome: RecipientOutcome) -> RecipientPublic:
        return cls(
            address=outcome.address,
            kind=outcome.kind,
            status=outcome.status,
            status_code=outcome.status_code,
            diagnostic=outcome.diagnostic,
            bounced_at=outcome.bounced_at,
        )


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
    error_class: str | None = Field(
        default=None,
        description="How the last failed attempt is filed (connection_refused, timeout, auth, "
        "tls, dns, smtp_4xx, smtp_5xx, policy, ...), for words in the reader's language",
    )
    next_attempt_at: datetime | None
    created_at: datetime
    sent_at: datetime | None
    recipients: list[RecipientPublic] = Field(default=[], description=RECIPIENTS_DESCRIPTION)

    @classmethod
    def from_row(cls, email: Email, outcomes: list[RecipientOutcome]) -> EmailPublic:
        public = cls.model_validate(email)
        public.recipients = [RecipientPublic.from_outcome(o) for o in outcomes]
        return public


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
    recipients: list[RecipientPublic] = Field(default=[], description=RECIPIENTS_DESCRIPTION)

    @classmethod
    def from_row(cls, row: EmailAudit, outcomes: list[RecipientOutcome]) -> AuditPublic:
        public = cls.model_validate(row)
        public.recipients = [RecipientPublic.from_outcome(o) for o in outcomes]
        return public

    @classmethod
    def from_rows(
        cls, rows: list[EmailAudit], outcomes: dict[uuid.UUID, list[RecipientOutcome]]
    ) -> list[AuditPublic]:
        return [cls.from_row(row, outcomes.get(row.id, [])) for row in rows]


class AuditPage(BaseModel):
    items: list[AuditPublic]
    next_cursor: str | None
