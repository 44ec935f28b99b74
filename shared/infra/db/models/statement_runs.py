"""Statement runs: one request that sends every party of a group (or listed ledgers) its own
ledger statement, and one item per ledger saying what became of it."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import Base, CreatedAt, StatusColumn, TenantId, UuidPk
from shared.infra.db.models.idempotency import IdempotencyKey, RequestHash, idempotency_index
from shared.states import SkipReason


class StatementRun(Base):
    __tablename__ = "statement_runs"
    __table_args__ = (
        Index("ix_statement_runs_owner", "tenant_id", "requested_by", "created_at"),
        idempotency_index("statement_runs"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    requested_by: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(16))  # manual | scheduled
    schedule_run_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    # Exactly one of the two: a ledger group ("Sundry Debtors") or the ledgers named.
    ledger_group: Mapped[str | None] = mapped_column(String(200))
    ledgers: Mapped[list[str] | None] = mapped_column(ARRAY(String(200)))
    from_date: Mapped[date] = mapped_column(Date)
    to_date: Mapped[date] = mapped_column(Date)
    # The relative period it was asked with ("last_month"), when it was; dates are resolved.
    period: Mapped[str | None] = mapped_column(String(32))
    format: Mapped[str] = mapped_column(String(8))
    confirm_balance: Mapped[bool] = mapped_column(Boolean, server_default="false")
    skip_zero_balance: Mapped[bool] = mapped_column(Boolean, server_default="false")
    skip_without_email: Mapped[bool] = mapped_column(Boolean, server_default="false")
    skip_without_activity: Mapped[bool] = mapped_column(Boolean, server_default="false")
    idempotency_key: Mapped[IdempotencyKey]
    request_hash: Mapped[RequestHash]
    created_at: Mapped[CreatedAt]


class StatementRunItem(Base):
    """One ledger of a run: skipped (with the reason) or its latest email. Its status is the
    email's (`shared.states.ITEM_STATUS_OF_EMAIL`), read when asked, so nothing has to keep
    the two in step."""

    __tablename__ = "statement_run_items"
    __table_args__ = (
        Index("ix_statement_run_items_run", "run_id", "position"),
        Index("ix_statement_run_items_email", "email_id"),
        Index("ix_statement_run_items_ledger", "ledger_id"),
    )

    id: Mapped[UuidPk]
    tenant_id: Mapped[TenantId]
    run_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("statement_runs.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(Integer)  # the ledgers' order: by name
    # The ledger (NULL once deleted): a rename in the books keeps the item its ledger's.
    ledger_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("ledgers.id", ondelete="SET NULL")
    )
    # The names on the item's latest statement, as sent (a resend sends the books' names then).
    ledger_name: Mapped[str] = mapped_column(String(200))
    party_name: Mapped[str | None] = mapped_column(String(200))
    closing_balance: Mapped[Decimal]
    entries: Mapped[int] = mapped_column(Integer)  # in the period
    skip_reason: Mapped[SkipReason | None] = mapped_column(StatusColumn(SkipReason))
    email_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("emails.id", ondelete="SET NULL")
    )
    # Emails made for this ledger after the first (resend-failed).
    resends: Mapped[int] = mapped_column(Integer, server_default="0")
    created_at: Mapped[CreatedAt]
