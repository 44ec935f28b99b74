"""balance confirmations: a party asked to confirm its balance, and every reply it gave

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NOW = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "balance_confirmations",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("ledger_name", sa.String(length=200), nullable=False),
        sa.Column("party_name", sa.Text(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("balance", sa.Numeric(18, 2), nullable=False),
        sa.Column("language", sa.String(length=16), server_default="en", nullable=False),
        sa.Column("statement_run_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("email_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("to_addresses", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("cc_addresses", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="no_reply", nullable=False),
        sa.Column("party_balance", sa.Numeric(18, 2), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replies", sa.Integer(), server_default="0", nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminders_sent", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["email_id"],
            ["emails.id"],
            name="fk_balance_confirmations_email_id_emails",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_balance_confirmations"),
    )
    op.create_index("ix_balance_confirmations_tenant_id", "balance_confirmations", ["tenant_id"])
    op.create_index(
        "ix_balance_confirmations_list",
        "balance_confirmations",
        ["tenant_id", "as_of", "created_at"],
    )
    op.create_index("ix_balance_confirmations_run", "balance_confirmations", ["statement_run_id"])
    op.create_index(
        "ix_balance_confirmations_ledger",
        "balance_confirmations",
        ["tenant_id", "ledger_name", "as_of"],
    )
    op.create_table(
        "confirmation_replies",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("confirmation_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("party_balance", sa.Numeric(18, 2), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=_NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmation_id"],
            ["balance_confirmations.id"],
            name="fk_confirmation_replies_confirmation_id_balance_confirmations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_confirmation_replies"),
    )
    op.create_index(
        "ix_confirmation_replies_confirmation_id",
        "confirmation_replies",
        ["confirmation_id"],
    )
    op.create_index("ix_confirmation_replies_tenant_id", "confirmation_replies", ["tenant_id"])


def downgrade() -> None:
    op.drop_table("confirmation_replies")
    op.drop_table("balance_confirmations")
