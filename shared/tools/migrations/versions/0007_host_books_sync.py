"""the host application's books: its ids on ledgers, entries and bills; tenants disabled

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "tenants", sa.Column("default_language", sa.String(8), server_default="en", nullable=False)
    )
    op.add_column("tenants", sa.Column("disabled_at", sa.DateTime(timezone=True)))
    op.add_column("ledgers", sa.Column("external_id", sa.String(100)))
    op.create_index(
        "uq_ledgers_tenant_external_id", "ledgers", ["tenant_id", "external_id"], unique=True
    )
    op.add_column("ledger_entries", sa.Column("voucher_id", sa.String(100)))
    op.create_index(
        "ix_ledger_entries_voucher",
        "ledger_entries",
        ["tenant_id", "voucher_id"],
        postgresql_where=sa.text("voucher_id IS NOT NULL"),
    )
    op.add_column("bills", sa.Column("external_id", sa.String(100)))
    op.create_index(
        "uq_bills_tenant_external_id", "bills", ["tenant_id", "external_id"], unique=True
    )
    op.create_table(
        "books_changes",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "kind", name=op.f("pk_books_changes")),
    )


def downgrade() -> None:
    op.drop_table("books_changes")
    op.drop_index("uq_bills_tenant_external_id", table_name="bills")
    op.drop_column("bills", "external_id")
    op.drop_index("ix_ledger_entries_voucher", table_name="ledger_entries")
    op.drop_column("ledger_entries", "voucher_id")
    op.drop_index("uq_ledgers_tenant_external_id", table_name="ledgers")
    op.drop_column("ledgers", "external_id")
    op.drop_column("tenants", "disabled_at")
    op.drop_column("tenants", "default_language")
