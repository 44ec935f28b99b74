"""day totals: the days a delete empties are dropped by their keys, never by a scan for zeros

The delete and update triggers of 0016 dropped the emptied days with
`DELETE FROM ledger_day_totals t USING (SELECT DISTINCT ... FROM removed) r WHERE ... AND
t.entries = 0`. The statistics never see a row with `entries = 0` (such rows live only inside
the trigger), so once the removed rows are many the planner drives the join from "the one row
with entries = 0" and rescans the removed keys for each of the thousands that are: deleting
133,000 entries of 300,000 did not finish in 90 s (33,000 took 0.1 s), and the books bench's
delete of a 300,000-line tenant ran for 15 minutes. A sync that replaces a large request's
vouchers deletes their lines the same way.

Now the upsert into the totals returns the days it left at zero, and only those are deleted,
joined on their primary key with no condition on `entries` for the planner to misjudge. The
insert trigger is unchanged.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ADDED = "SELECT ledger_id, entry_date, 1 AS n, debit, credit FROM added"
_REMOVED = "SELECT ledger_id, entry_date, -1 AS n, -debit AS debit, -credit AS credit FROM removed"
# As 0016's upsert (in key order, so two writers lock shared days in the same order), keeping
# the keys of the days it left without entries, then dropping exactly those.
_APPLY_AND_DROP = """
DECLARE
    empty_ledgers bigint[];
    empty_days date[];
BEGIN
    WITH upserted AS (
        INSERT INTO ledger_day_totals AS t (ledger_id, day, entries, debit, credit)
        SELECT ledger_id, entry_date, sum(n), sum(debit), sum(credit) FROM ({changes}) AS c
        GROUP BY ledger_id, entry_date
        HAVING sum(n) <> 0 OR sum(debit) <> 0 OR sum(credit) <> 0
        ORDER BY ledger_id, entry_date
        ON CONFLICT (ledger_id, day) DO UPDATE SET
            entries = t.entries + excluded.entries,
            debit = t.debit + excluded.debit,
            credit = t.credit + excluded.credit
        RETURNING t.ledger_id, t.day, t.entries
    )
    SELECT array_agg(ledger_id), array_agg(day) INTO empty_ledgers, empty_days
    FROM upserted WHERE entries = 0;
    IF empty_ledgers IS NOT NULL THEN
        -- No `entries = 0` here: its estimate is the trap above. The upsert holds these rows
        -- locked, so no other writer can have counted an entry into them since.
        DELETE FROM ledger_day_totals t
        USING unnest(empty_ledgers, empty_days) AS e(ledger_id, day)
        WHERE t.ledger_id = e.ledger_id AND t.day = e.day;
    END IF;
    RETURN NULL;
END
"""
FUNCTIONS = {
    "ledger_day_totals_delete": _APPLY_AND_DROP.format(changes=_REMOVED),
    "ledger_day_totals_update": _APPLY_AND_DROP.format(changes=f"{_ADDED} UNION ALL {_REMOVED}"),
}


def upgrade() -> None:
    for function, body in FUNCTIONS.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" {body} $$"
        )


def downgrade() -> None:
    # 0016's bodies, from 0016 itself (one definition of them).
    from importlib import import_module

    previous = import_module("shared.tools.migrations.versions.0016_ledger_day_totals")
    for function in FUNCTIONS:
        op.execute(
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {previous.FUNCTIONS[function]} RETURN NULL; END $$"
        )
