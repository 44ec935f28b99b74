"""statement run items and balance confirmations reference their ledger by id

Like entries and bills (0014), so a ledger renamed by the host application after a run is still
the ledger its failed statements are resent for, and the one its confirmation reminds and
reports. The name stays beside the id as what the statement said (`ledger_name`: the name on
the latest statement sent for the item, or that asked for the confirmation).

Rows find their ledger by tenant and name, compared as the ledgers' unique index compares
names. A row whose ledger was renamed or deleted before this migration finds none and keeps
a NULL id (as a row whose ledger is deleted later does): its history reads as it was; a resend
leaves it failed. The ledger's delete sets the id NULL rather than being refused: what was
sent is history, not a use of the ledger.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("statement_run_items", "balance_confirmations")

_FILL_IDS = """
UPDATE {table} AS t SET ledger_id = l.id FROM ledgers l
WHERE l.tenant_id = t.tenant_id AND lower(l.name) = lower(t.ledger_name)
"""


def upgrade() -> None:
    for table in _TABLES:
        op.add_column(table, sa.Column("ledger_id", sa.BigInteger(), nullable=True))
        op.execute(_FILL_IDS.format(table=table))
        op.create_foreign_key(
            op.f(f"fk_{table}_ledger_id_ledgers"),
            table,
            "ledgers",
            ["ledger_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Resending an item needs no index by ledger; a ledger's delete does (SET NULL finds the
    # rows by it), and confirmations are looked up by ledger and date (the open question).
    op.create_index("ix_statement_run_items_ledger", "statement_run_items", ["ledger_id"])
    op.drop_index("ix_balance_confirmations_ledger", table_name="balance_confirmations")
    op.create_index(
        "ix_balance_confirmations_ledger", "balance_confirmations", ["ledger_id", "as_of"]
    )


def downgrade() -> None:
    op.drop_index("ix_balance_confirmations_ledger", table_name="balance_confirmations")
    op.create_index(
        "ix_balance_confirmations_ledger",
        "balance_confirmations",
        ["tenant_id", "ledger_name", "as_of"],
    )
    op.drop_index("ix_statement_run_items_ledger", table_name="statement_run_items")
    for table in _TABLES:
        op.drop_constraint(op.f(f"fk_{table}_ledger_id_ledgers"), table, type_="foreignkey")
        op.drop_column(table, "ledger_id")
