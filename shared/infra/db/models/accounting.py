"""The accounting source: the host product syncs its books here and the reports read only these.

Ledger names are unique per tenant compared case-insensitively; entries and bills refer to
their ledger by its id, so a rename touches the ledger's row alone. Rows the host
application syncs carry its own ids (`external_id`, an entry's `voucher_id`), which is how a
second sync finds them again; the demo generator's rows have none.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from shared.infra.db.models.base import Base, Money


class Ledger(Base):
    __tablename__ = "ledgers"
    __table_args__ = (
        Index("uq_ledgers_tenant_name", "tenant_id", text("lower(name)"), unique=True),
        Index("ix_ledgers_tenant_party", "tenant_id", "party_name"),
        Index("uq_ledgers_tenant_external_id", "tenant_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    group_name: Mapped[str] = mapped_column(String(200))
    party_name: Mapped[str | None] = mapped_column(String(200))
    # Positive = Dr, negative = Cr.
    opening_balance: Mapped[Money]
    opening_date: Mapped[date] = mapped_column(Date)
    # A party's GST registration and postal address, printed on its statement's letterhead.
    gstin: Mapped[str | None] = mapped_column(String(15))
    address: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")  # lines
    external_id: Mapped[str | None] = mapped_column(String(100))


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("debit >= 0 AND credit >= 0", name="non_negative"),
        # The statement reads one ledger's entries in date order: this index serves it.
        Index("ix_ledger_entries_statement", "ledger_id", "entry_date", "id"),
        Index(
            "ix_ledger_entries_voucher",
            "tenant_id",
            "voucher_id",
            postgresql_where=text("voucher_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    ledger_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ledgers.id"))
    entry_date: Mapped[date] = mapped_column(Date)
    voucher_type: Mapped[str] = mapped_column(String(40))
    voucher_no: Mapped[str] = mapped_column(String(60))
    narration: Mapped[str | None] = mapped_column(Text)
    debit: Mapped[Decimal] = mapped_column(server_default="0")
    credit: Mapped[Decimal] = mapped_column(server_default="0")
    # The host application's voucher id: a synced voucher replaces all its lines at once.
    voucher_id: Mapped[str | None] = mapped_column(String(100))


class LedgerDayTotal(Base):
    """A ledger's entries of one day, counted and summed: what the statement's opening balance
    and totals add up instead of the entries themselves. Kept by triggers on `ledger_entries`
    (migration 0016) in every writer's transaction; never written by the application."""

    __tablename__ = "ledger_day_totals"

    ledger_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("ledgers.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    entries: Mapped[int] = mapped_column(BigInteger)
    # Sums of numeric(18,2) amounts: unbounded, so no day's sum can overflow.
    debit: Mapped[Decimal] = mapped_column(Numeric)
    credit: Mapped[Decimal] = mapped_column(Numeric)


class Bill(Base):
    __tablename__ = "bills"
    __table_args__ = (
        CheckConstraint("kind IN ('receivable', 'payable')", name="kind"),
        CheckConstraint("pending_amount >= 0 AND amount >= 0", name="non_negative"),
        # The outstanding report reads one kind's pending bills up to a date.
        Index(
            "ix_bills_outstanding",
            "tenant_id",
            "kind",
            "bill_date",
            postgresql_where="pending_amount > 0",
        ),
        Index("ix_bills_ledger_id", "ledger_id"),
        Index("uq_bills_tenant_external_id", "tenant_id", "external_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    ledger_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("ledgers.id"))
    kind: Mapped[str] = mapped_column(String(16))
    bill_ref: Mapped[str] = mapped_column(String(60))
    bill_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date] = mapped_column(Date)
    amount: Mapped[Money]
    pending_amount: Mapped[Money]
    external_id: Mapped[str | None] = mapped_column(String(100))


class BooksChange(Base):
    """When the host application last changed each kind of book row (the sync's status)."""

    __tablename__ = "books_changes"

    tenant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # ledgers|vouchers|bills
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
