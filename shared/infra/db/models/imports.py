"""Books imports: one row per Tally upload, worked on by the export-service."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import Base, CreatedAt, StatusColumn, TenantId, Timestamp, UuidPk
from shared.states import ImportStatus


class BookImport(Base):
    __tablename__ = "book_imports"
    __table_args__ = (
        Index("ix_book_imports_tenant", "tenant_id", "created_at"),
        Index("ix_book_imports_status", "status", "lease_expires_at"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    requested_by: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16), server_default="tally")
    # The uploaded files as the user named them, and where they wait (IMPORT_DIR keys).
    file_names: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    file_keys: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    total_bytes: Mapped[int] = mapped_column(BigInteger, server_default="0")
    status: Mapped[ImportStatus] = mapped_column(
        StatusColumn(ImportStatus), server_default=ImportStatus.QUEUED.value
    )
    # Vouchers read so far (the long part of an import).
    progress: Mapped[int] = mapped_column(BigInteger, server_default="0")
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    lease_expires_at: Mapped[Timestamp]
    announced_at: Mapped[Timestamp]
    created_at: Mapped[CreatedAt]
    started_at: Mapped[Timestamp]
    finished_at: Mapped[Timestamp]
