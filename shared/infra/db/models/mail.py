"""Emails (one per "send this report to these people") and the audit of every attempt."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import Base, CreatedAt, StatusColumn, TenantId, Timestamp, UuidPk
from shared.infra.db.models.idempotency import IdempotencyKey, RequestHash, idempotency_index
from shared.languages import Language
from shared.states import AuditStatus, EmailStatus


class Email(Base):
    __tablename__ = "emails"
    __table_args__ = (
        Index("ix_emails_owner", "tenant_id", "requested_by", "created_at"),
        Index("ix_emails_export_job", "export_job_id"),
        Index("ix_emails_status", "status", "lease_expires_at"),
        # A bounce names the email it reports on by our Message-ID.
        Index("ix_emails_message_id", "message_id"),
        Index(
            "ix_emails_statement_runs",
            "tenant_id",
            "created_at",
            postgresql_where="statement_run_id IS NOT NULL",
        ),
        idempotency_index("emails"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    export_job_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("export_jobs.id", ondelete="SET NULL")
    )
    requested_by: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(16))  # manual | scheduled | test
    report: Mapped[str | None] = mapped_column(String(32))
    to_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    cc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    bcc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    subject: Mapped[str] = mapped_column(String(998))
    body: Mapped[str] = mapped_column(Text, server_default="")
    status: Mapped[EmailStatus] = mapped_column(
        StatusColumn(EmailStatus), server_default=EmailStatus.QUEUED.value
    )
    # Stable per email, so a resend after a crash carries the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(255))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    # Scheduled sends retry transient failures; manual and test sends try once.
    max_attempts: Mapped[int] = mapped_column(Integer, server_default="1")
    next_attempt_at: Mapped[Timestamp]
    lease_expires_at: Mapped[Timestamp]
    announced_at: Mapped[Timestamp]
    # A test send may carry unsaved SMTP settings: Fernet-encrypted JSON, password included.
    smtp_override: Mapped[str | None] = mapped_column(Text)
    # Where To came from: typed, directory (auto-filled) or distribution_list.
    recipient_source: Mapped[str | None] = mapped_column(String(20))
    idempotency_key: Mapped[IdempotencyKey]
    request_hash: Mapped[RequestHash]
    schedule_run_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The statement run that made it (its hourly quota counts these).
    statement_run_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # A report email's language; set, the body is a template whose only placeholder left is
    # `{link_expiry}`, which the mail-service fills when it makes the link
    # (shared.domain.report_emails). Null for other emails (tests, failure notices).
    language: Mapped[Language | None] = mapped_column(StatusColumn(Language))
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[Timestamp]
    sent_at: Mapped[datetime | None]


class EmailAudit(Base):
    __tablename__ = "email_audit"
    __table_args__ = (
        Index("ix_email_audit_tenant_time", "tenant_id", "created_at"),
        Index("ix_email_audit_email", "email_id"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    email_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    trigger: Mapped[str] = mapped_column(String(16))
    report: Mapped[str | None] = mapped_column(String(32))
    export_job_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    requested_by: Mapped[str] = mapped_column(String(200))
    from_email: Mapped[str | None] = mapped_column(String(320))
    to_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    cc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    bcc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    subject: Mapped[str | None] = mapped_column(String(998))
    delivery_mode: Mapped[str | None] = mapped_column(String(16))  # attachment | link
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_size: Mapped[int | None] = mapped_column(BigInteger)
    attempt: Mapped[int] = mapped_column(Integer, server_default="1")
    status: Mapped[AuditStatus] = mapped_column(StatusColumn(AuditStatus))
    smtp_code: Mapped[int | None] = mapped_column(Integer)
    smtp_reply: Mapped[str | None] = mapped_column(Text)
    error_class: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    refused_recipients: Mapped[dict[str, str] | None] = mapped_column(JSONB(none_as_null=True))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[CreatedAt]
    finished_at: Mapped[Timestamp]


class EmailTemplate(Base):
    """A tenant's own subject and body for one report in one language; without a row the
    default of `shared.domain.report_emails.defaults` applies."""

    __tablename__ = "email_templates"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    report: Mapped[str] = mapped_column(String(32), primary_key=True)
    language: Mapped[Language] = mapped_column(StatusColumn(Language), primary_key=True)
    subject: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
