"""The tenant's mailbox (IMAP) settings, where its bounces arrive, and the bounces read there."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, func, true
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import Base, CreatedAt, TenantId, Timestamp, UuidPk


class MailboxSettings(Base):
    """One IMAP mailbox per tenant, read (never changed) for delivery status notifications.

    The scan's position is the folder's UIDVALIDITY and the last UID read: a message is read
    once, and a new UIDVALIDITY (the folder was recreated) starts the folder again.
    """

    __tablename__ = "mailbox_settings"
    __table_args__ = (Index("ix_mailbox_settings_next_scan_at", "enabled", "next_scan_at"),)

    tenant_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    host: Mapped[str] = mapped_column(String(253))
    port: Mapped[int] = mapped_column(Integer)
    security: Mapped[str] = mapped_column(String(16))  # none | starttls | ssl
    username: Mapped[str] = mapped_column(String(320))
    # Fernet token from shared.infra.crypto, as the SMTP password; never returned or logged.
    password_encrypted: Mapped[str | None] = mapped_column(Text)
    folder: Mapped[str] = mapped_column(String(200), server_default="INBOX")
    timeout_seconds: Mapped[int] = mapped_column(Integer, server_default="30")
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, server_default="0")
    # Claiming a scan moves this forward, so two mail workers never scan one mailbox at once.
    next_scan_at: Mapped[Timestamp]
    last_scan_at: Mapped[Timestamp]
    last_scan_error: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str | None] = mapped_column(String(200))
    # Set by a save only (not by the scans' own updates), so a scan can tell whether the
    # settings it read are still the saved ones before it writes its position.
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class EmailBounce(Base):
    """A delivery status notification (or a bounce in a common non-standard form) saying one
    recipient of one of our emails could not be delivered."""

    __tablename__ = "email_bounces"
    __table_args__ = (
        Index("uq_email_bounces_email_address", "email_id", "address", unique=True),
        Index("ix_email_bounces_tenant_address", "tenant_id", "address"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    email_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("emails.id", ondelete="CASCADE")
    )
    address: Mapped[str] = mapped_column(String(320))  # lower-cased: bounces compare that way
    status_code: Mapped[str | None] = mapped_column(String(16))  # enhanced code: 5.1.1
    diagnostic: Mapped[str | None] = mapped_column(Text)
    reporting_mta: Mapped[str | None] = mapped_column(String(255))
    # Where the notification was read: the folder's UIDVALIDITY and the message's UID.
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[CreatedAt]
