"""ledger entries and bills reference their ledger by id, not by name

A rename then touches one row (the ledger's) and can never split a statement. Today's rows
find their ledger by tenant and name, compared as the ledgers' unique index compares names
(case-insensitively). A name with no ledger (entries or bills written before the host synced
its ledgers, or by hand) gets one, so no row is lost and the outstanding report, which used
to read the bills' own names, reads the same: a bill's name makes a Sundry Debtors or Sundry
Creditors ledger as its kind says, an entry's a "Suspense A/c" ledger; either opens at zero
on its first row's date.

The statement index carries debit and credit, so the statement's opening balance and totals
are read from the index alone (an index-only scan, no heap visits once the table is vacuumed).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Names that no ledger holds, one ledger per (tenant, lower(name)), opening on the name's first
# row; bills decide the group where a name has both bills and entries, and the spelling most
# rows use is the ledger's name.
_MISSING_LEDGERS = """
INSERT INTO ledgers (tenant_id, name, group_name, opening_balance, opening_date)
SELECT DISTINCT ON (tenant_id, lower(name))
       tenant_id, name, group_name, 0,
       min(first_day) OVER (PARTITION BY tenant_id, lower(name))
FROM (
    SELECT tenant_id, ledger_name AS name, 0 AS rank,
           CASE kind WHEN 'receivable' THEN 'Sundry Debtors' ELSE 'Sundry Creditors' END
               AS group_name,
           min(bill_date) AS first_day, count(*) AS uses
    FROM bills GROUP BY tenant_id, ledger_name, kind
    UNION ALL
    SELECT tenant_id, ledger_name, 1, 'Suspense A/c', min(entry_date), count(*)
    FROM ledger_entries GROUP BY tenant_id, ledger_name
) AS named
WHERE NOT EXISTS (
    SELECT 1 FROM ledgers l
    WHERE l.tenant_id = named.tenant_id AND lower(l.name) = lower(named.name)
)
ORDER BY tenant_id, lower(name), rank, uses DESC, name
"""

_FILL_IDS = """
UPDATE {table} AS t SET ledger_id = l.id FROM ledgers l
WHERE l.tenant_id = t.tenant_id AND lower(l.name) = lower(t.ledger_name)
"""

_FILL_NAMES = "UPDATE {table} AS t SET ledger_name = l.name FROM ledgers l WHERE l.id = t.ledger_id"


def upgrade() -> None:
    op.execute(_MISSING_LEDGERS)
    for table in ("ledger_entries", "bills"):
        op.add_column(table, sa.Column("ledger_id", sa.BigInteger()))
        op.execute(_FILL_IDS.format(table=table))
        op.alter_column(table, "ledger_id", nullable=False)
        op.create_foreign_key(
            op.f(f"fk_{table}_ledger_id_ledgers"), table, "ledgers", ["ledger_id"], ["id"]
        )
    op.drop_index("ix_ledger_entries_report", table_name="ledger_entries")
    op.drop_index("ix_bills_outstanding", table_name="bills")
    op.drop_column("ledger_entries", "ledger_name")
    op.drop_column("bills", "ledger_name")
    # The statement reads one ledger's entries in date order, and sums them: both from here.
    # It also serves the foreign key (a ledger's delete looks its entries up by ledger_id).
    op.create_index(
        "ix_ledger_entries_statement",
        "ledger_entries",
        ["ledger_id", "entry_date", "id"],
        postgresql_include=["debit", "credit"],
    )
    op.create_index(
        "ix_bills_outstanding",
        "bills",
        ["tenant_id", "kind", "bill_date"],
        postgresql_where="pending_amount > 0",
    )
    op.create_index("ix_bills_ledger_id", "bills", ["ledger_id"])


def downgrade() -> None:
    op.drop_index("ix_bills_ledger_id", table_name="bills")
    op.drop_index("ix_bills_outstanding", table_name="bills")
    op.drop_index("ix_ledger_entries_statement", table_name="ledger_entries")
    for table in ("ledger_entries", "bills"):
        op.add_column(table, sa.Column("ledger_name", sa.String(200)))
        op.execute(_FILL_NAMES.format(table=table))
        op.alter_column(table, "ledger_name", nullable=False)
        op.drop_constraint(op.f(f"fk_{table}_ledger_id_ledgers"), table, type_="foreignkey")
        op.drop_column(table, "ledger_id")
    op.create_index(
        "ix_ledger_entries_report",
        "ledger_entries",
        ["tenant_id", "ledger_name", "entry_date", "id"],
    )
    op.create_index(
        "ix_bills_outstanding",
        "bills",
        ["tenant_id", "kind", "ledger_name", "bill_date"],
        postgresql_where="pending_amount > 0",
    )
