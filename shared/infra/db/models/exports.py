"""Export jobs: one row per report rendered to a file."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import Base, CreatedAt, StatusColumn, TenantId, Timestamp, UuidPk
from shared.infra.db.models.idempotency import IdempotencyKey, RequestHash, idempotency_index
from shared.languages import Language
from shared.states import ExportStatus


class ExportJob(Base):
    __tablename__ = "export_jobs"
    __table_args__ = (
        Index("ix_export_jobs_owner", "tenant_id", "requested_by", "created_at"),
        Index("ix_export_jobs_status", "status", "lease_expires_at"),
        idempotency_index("export_jobs"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    requested_by: Mapped[str] = mapped_column(String(200))
    report: Mapped[str] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(8))
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    status: Mapped[ExportStatus] = mapped_column(
        StatusColumn(ExportStatus), server_default=ExportStatus.QUEUED.value
    )
    progress: Mapped[int] = mapped_column(BigInteger, server_default="0")
    row_count: Mapped[int | None] = mapped_column(BigInteger)
    file_path: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(255))
    file_size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    # Work in progress holds a lease so a redelivered message cannot render the job twice at once.
    lease_expires_at: Mapped[Timestamp]
    # When the job was last announced on the bus; reconciliation re-announces stale ones.
    announced_at: Mapped[Timestamp]
    idempotency_key: Mapped[IdempotencyKey]
    request_hash: Mapped[RequestHash]
    schedule_run_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # The language of the document's fixed labels (a statement to a Marathi party: Marathi).
    language: Mapped[Language] = mapped_column(
        StatusColumn(Language), server_default=Language.EN.value
    )
    created_at: Mapped[CreatedAt]
    started_at: Mapped[Timestamp]
    finished_at: Mapped[Timestamp]
    expires_at: Mapped[datetime | None]
