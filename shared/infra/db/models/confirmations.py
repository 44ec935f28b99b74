"""Balance confirmations: a party asked to confirm its balance as of a date, and its replies."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import (
    Base,
    CreatedAt,
    Money,
    StatusColumn,
    TenantId,
    Timestamp,
    UuidPk,
)
from shared.states import ConfirmationStatus


class BalanceConfirmation(Base):
    """One request to one party: our balance of its ledger as of a date, and where the
    party's answer stands (`status`, with its latest balance and note; every answer is a
    `ConfirmationReply`)."""

    __tablename__ = "balance_confirmations"
    __table_args__ = (
        Index("ix_balance_confirmations_list", "tenant_id", "as_of", "created_at"),
        Index("ix_balance_confirmations_run", "statement_run_id"),
        Index("ix_balance_confirmations_ledger", "ledger_id", "as_of"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    # The ledger asked about (NULL once deleted): a rename in the books keeps it this one's,
    # so reminders, the page and the report name the ledger as the books name it now.
    ledger_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("ledgers.id", ondelete="SET NULL")
    )
    # The ledger's name on the latest statement that asked, as sent (the audit's).
    ledger_name: Mapped[str] = mapped_column(String(200))
    # The party as the books named it when asked (the ledger's name without one).
    party_name: Mapped[str] = mapped_column(Text)
    as_of: Mapped[date] = mapped_column(Date)
    # Signed, Dr positive: what our books say the balance was at the end of `as_of`.
    balance: Mapped[Money]
    language: Mapped[str] = mapped_column(String(16), server_default="en")
    # The statement run that asked (no foreign key yet: runs land separately), and the
    # email that carried the link.
    statement_run_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    email_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("emails.id", ondelete="SET NULL")
    )
    # Whom reminders go to: the statement email's To and CC.
    to_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    cc_addresses: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    status: Mapped[ConfirmationStatus] = mapped_column(
        StatusColumn(ConfirmationStatus), server_default=ConfirmationStatus.NO_REPLY.value
    )
    # The party's own balance when it disagrees (signed like `balance`), and its note.
    party_balance: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[Timestamp]
    replies: Mapped[int] = mapped_column(Integer, server_default="0")
    expires_at: Mapped[datetime]
    reminders_sent: Mapped[int] = mapped_column(Integer, server_default="0")
    last_reminded_at: Mapped[Timestamp]
    requested_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[CreatedAt]


class ConfirmationReply(Base):
    """One answer as the party gave it, kept when it changes its mind."""

    __tablename__ = "confirmation_replies"

    id: Mapped[UuidPk]
    confirmation_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("balance_confirmations.id", ondelete="CASCADE"),
        index=True,
    )
    tenant_id: Mapped[TenantId]
    answer: Mapped[ConfirmationStatus] = mapped_column(StatusColumn(ConfirmationStatus))
    party_balance: Mapped[Decimal | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[CreatedAt]
