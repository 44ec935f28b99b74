"""each ledger's entries summed per day, kept by triggers: the statement's figures without a scan

A statement's opening balance is the sum of every entry before the period, and its totals the
sums of the period's entries: on a 1,000,000-entry ledger those two aggregates cost as much as
a fifth of writing the whole statement. `ledger_day_totals` holds, per ledger and day with
entries, their count and the sums of debit and credit, so the figures are sums over at most one
row a day. Statement-level triggers on `ledger_entries` (transition tables: one aggregate per
statement, a COPY of a million rows included) keep it exact in the writer's own transaction,
whoever writes; a day left without entries loses its row. Today's entries are summed in.

The statement index no longer needs debit and credit (nothing sums them from it any more):
it is rebuilt without them, smaller for every insert.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows a statement added (+1) or removed (-1), summed per ledger and day, folded into the totals
# in key order (two writers lock the days they share in the same order), then the days left
# without entries dropped. `{changes}` is a SELECT of (ledger_id, entry_date, n, debit, credit).
_APPLY = """
INSERT INTO ledger_day_totals AS t (ledger_id, day, entries, debit, credit)
SELECT ledger_id, entry_date, sum(n), sum(debit), sum(credit) FROM ({changes}) AS c
GROUP BY ledger_id, entry_date
HAVING sum(n) <> 0 OR sum(debit) <> 0 OR sum(credit) <> 0
ORDER BY ledger_id, entry_date
ON CONFLICT (ledger_id, day) DO UPDATE SET
    entries = t.entries + excluded.entries,
    debit = t.debit + excluded.debit,
    credit = t.credit + excluded.credit;
"""
_ADDED = "SELECT ledger_id, entry_date, 1 AS n, debit, credit FROM added"
_REMOVED = "SELECT ledger_id, entry_date, -1 AS n, -debit AS debit, -credit AS credit FROM removed"
_DROP_EMPTY = """
DELETE FROM ledger_day_totals t USING (SELECT DISTINCT ledger_id, entry_date FROM removed) r
WHERE t.ledger_id = r.ledger_id AND t.day = r.entry_date AND t.entries = 0;
"""

FUNCTIONS = {
    "ledger_day_totals_insert": _APPLY.format(changes=_ADDED),
    "ledger_day_totals_delete": _APPLY.format(changes=_REMOVED) + _DROP_EMPTY,
    "ledger_day_totals_update": _APPLY.format(changes=f"{_ADDED} UNION ALL {_REMOVED}")
    + _DROP_EMPTY,
}
TRIGGERS = {  # trigger function -> (event, transition tables)
    "ledger_day_totals_insert": ("INSERT", "NEW TABLE AS added"),
    "ledger_day_totals_delete": ("DELETE", "OLD TABLE AS removed"),
    "ledger_day_totals_update": ("UPDATE", "OLD TABLE AS removed NEW TABLE AS added"),
}


def upgrade() -> None:
    op.create_table(
        "ledger_day_totals",
        sa.Column("ledger_id", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("debit", sa.Numeric(), nullable=False),
        sa.Column("credit", sa.Numeric(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ledger_id"],
            ["ledgers.id"],
            name=op.f("fk_ledger_day_totals_ledger_id_ledgers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ledger_id", "day", name=op.f("pk_ledger_day_totals")),
    )
    op.execute(
        "INSERT INTO ledger_day_totals (ledger_id, day, entries, debit, credit)"
        " SELECT ledger_id, entry_date, count(*), sum(debit), sum(credit) FROM ledger_entries"
        " GROUP BY ledger_id, entry_date"
    )
    for function, body in FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {body} RETURN NULL; END $$"
        )
    for function, (event, tables) in TRIGGERS.items():
        op.execute(
            f"CREATE TRIGGER {function} AFTER {event} ON ledger_entries REFERENCING {tables}"
            f" FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    op.execute(
        "CREATE FUNCTION ledger_day_totals_truncate() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN TRUNCATE ledger_day_totals; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER ledger_day_totals_truncate AFTER TRUNCATE ON ledger_entries"
        " FOR EACH STATEMENT EXECUTE FUNCTION ledger_day_totals_truncate()"
    )
    op.drop_index("ix_ledger_entries_statement", table_name="ledger_entries")
    op.create_index(
        "ix_ledger_entries_statement", "ledger_entries", ["ledger_id", "entry_date", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_ledger_entries_statement", table_name="ledger_entries")
    op.create_index(
        "ix_ledger_entries_statement",
        "ledger_entries",
        ["ledger_id", "entry_date", "id"],
        postgresql_include=["debit", "credit"],
    )
    for function in (*TRIGGERS, "ledger_day_totals_truncate"):
        op.execute(f"DROP TRIGGER {function} ON ledger_entries")
        op.execute(f"DROP FUNCTION {function}()")
    op.drop_table("ledger_day_totals")
