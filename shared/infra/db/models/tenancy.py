"""Tenants, their SMTP settings, the party email directory and internal distribution lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, func, true
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import (
    Base,
    CreatedAt,
    StatusColumn,
    TenantId,
    Timestamp,
    UuidPk,
)
from shared.languages import Language


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), server_default="Asia/Kolkata")
    internal_domains: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # Upper edges, in days overdue, of the outstanding report's ageing buckets ("Not due"
    # comes first, an open-ended bucket last); the gateway checks them (reports.ageing).
    ageing_buckets: Mapped[list[int]] = mapped_column(ARRAY(Integer), server_default="{30,60,90}")
    # The company profile on the letterhead of every document (DocumentHeader.letterhead);
    # all optional: without it the header shows `name` alone.
    legal_name: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")  # lines
    gstin: Mapped[str | None] = mapped_column(String(15))  # checked by shared.domain.tax_ids
    pan: Mapped[str | None] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(320))
    # The web app's language for its users who chose none and whose token names none
    # (en | mr | hi); NULL lets each browser's Accept-Language decide.
    default_language: Mapped[str | None] = mapped_column(String(8))
    # Set when the host application disables the company: its users are refused, its
    # schedules stop; nothing is deleted.
    disabled_at: Mapped[Timestamp]
    # CSV files start with a UTF-8 byte-order mark, without which Excel reads them in the
    # machine's legacy code page; off for tenants whose CSVs are read by programs.
    csv_byte_order_mark: Mapped[bool] = mapped_column(Boolean, server_default=true())
    created_at: Mapped[CreatedAt]


class EmailSettings(Base):
    __tablename__ = "email_settings"

    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(16))  # none | starttls | ssl
    username: Mapped[str | None] = mapped_column(String(320))
    # Fernet token from shared.crypto; never returned by the API, never logged.
    password_encrypted: Mapped[str | None] = mapped_column(Text)
    from_email: Mapped[str] = mapped_column(String(320))
    from_name: Mapped[str | None] = mapped_column(String(200))
    reply_to: Mapped[str | None] = mapped_column(String(320))
    timeout_seconds: Mapped[int] = mapped_column(Integer, server_default="30")
    max_attachment_mb: Mapped[int] = mapped_column(Integer, server_default="10")
    delivery: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    link_ttl_days: Mapped[int] = mapped_column(Integer, server_default="7")
    updated_by: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())


class PartyEmail(Base):
    __tablename__ = "party_email_directory"
    __table_args__ = (
        Index("uq_party_email_directory_ledger", "tenant_id", "ledger_key", unique=True),
        Index("ix_party_email_directory_party", "tenant_id", "party_key"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    ledger_name: Mapped[str] = mapped_column(String(200))
    # Lower-cased, whitespace-collapsed names: how the directory is matched.
    ledger_key: Mapped[str] = mapped_column(String(200))
    party_name: Mapped[str | None] = mapped_column(String(200))
    party_key: Mapped[str | None] = mapped_column(String(200))
    to_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    cc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    bcc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    # The party's language: its statements' emails and documents are written in it.
    language: Mapped[Language] = mapped_column(
        StatusColumn(Language), server_default=Language.EN.value
    )
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[Timestamp]


class DistributionList(Base):
    __tablename__ = "distribution_lists"
    __table_args__ = (Index("uq_distribution_lists_name", "tenant_id", "name_key", unique=True),)

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))
    to_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    cc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    bcc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[Timestamp]


class UserPreference(Base):
    """One user's own choices in the web app. A user is a `sub` within a tenant: the same
    `sub` in another tenant is another person with their own row."""

    __tablename__ = "user_preferences"

    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    language: Mapped[Language] = mapped_column(StatusColumn(Language))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
