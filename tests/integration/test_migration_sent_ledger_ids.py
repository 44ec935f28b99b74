"""Migration 0018 gives statement run items and balance confirmations their ledger's id: rows
written by name find their ledger (in any case, in their own tenant), a name no ledger holds
now keeps a NULL id, and a ledger deleted later leaves its history with a NULL id."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from shared.infra.db import asyncpg_dsn
from shared.tools import migrate

BEFORE = "0018-1"  # the revision before the move (Alembic's relative identifier)
RUN = uuid.uuid4()
# tenant, name as written: the same names as items and as confirmations.
NAMES = [
    ("t1", "Sharma Traders"),
    ("t1", "patil agencies"),  # the ledger is "Patil Agencies"
    ("t1", "Renamed Before"),  # renamed before the migration: no ledger has the name
    ("t2", "Sharma Traders"),  # the same name in another tenant
]


@pytest.fixture
async def at_previous(test_database_url: str) -> AsyncIterator[str]:
    """A scratch database at the revision before 0018, with items and confirmations by name."""
    scratch = make_url(test_database_url).set(database=f"lp_sent_ids_{uuid.uuid4().hex[:8]}")
    url = scratch.render_as_string(hide_password=False)
    await migrate.upgrade(url, BEFORE)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        for tenant in ("t1", "t2"):
            await conn.execute("INSERT INTO tenants (id, name) VALUES ($1, $1)", tenant)
        await conn.executemany(
            "INSERT INTO ledgers (tenant_id, name, group_name, opening_balance, opening_date)"
            " VALUES ($1, $2, 'Sundry Debtors', 0, '2025-04-01')",
            [("t1", "Sharma Traders"), ("t1", "Patil Agencies"), ("t2", "Sharma Traders")],
        )
        await conn.execute(
            "INSERT INTO statement_runs (id, tenant_id, requested_by, trigger, from_date,"
            " to_date, format) VALUES ($1, 't1', 'u', 'manual', '2025-04-01', '2025-06-30',"
            " 'pdf')",
            RUN,
        )
        await conn.executemany(
            "INSERT INTO statement_run_items (id, tenant_id, run_id, position, ledger_name,"
            " closing_balance, entries) VALUES ($1, $2, $3, $4, $5, 0, 0)",
            [(uuid.uuid4(), t, RUN, n, name) for n, (t, name) in enumerate(NAMES)],
        )
        await conn.executemany(
            "INSERT INTO balance_confirmations (id, tenant_id, ledger_name, party_name, as_of,"
            " balance, expires_at, requested_by, created_at)"
            " VALUES ($1, $2, $3, $4, '2025-06-30', 0, now(), 'u', now() + $5 * interval '1s')",
            [(uuid.uuid4(), t, name, name, n) for n, (t, name) in enumerate(NAMES)],
        )
    finally:
        await conn.close()
    try:
        yield url
    finally:
        conn = await asyncpg.connect(asyncpg_dsn(url, "postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')
        finally:
            await conn.close()


_FOUND = """
SELECT x.tenant_id, x.ledger_name, l.tenant_id, l.name
FROM {table} x LEFT JOIN ledgers l ON l.id = x.ledger_id ORDER BY {order}
"""


async def test_rows_written_by_name_find_their_ledgers(at_previous: str) -> None:
    await migrate.upgrade(at_previous)
    conn = await asyncpg.connect(asyncpg_dsn(at_previous))
    try:
        found = {
            table: [tuple(row) for row in await conn.fetch(_FOUND.format(table=table, order=order))]
            for table, order in (
                ("statement_run_items", "x.position"),
                ("balance_confirmations", "x.created_at"),
            )
        }
        # A ledger deleted now (it has no entries) leaves the history, without its id.
        await conn.execute("DELETE FROM ledgers WHERE tenant_id = 't1' AND name = 'Patil Agencies'")
        left = await conn.fetch(
            "SELECT ledger_name, ledger_id FROM balance_confirmations"
            " WHERE ledger_name = 'patil agencies'"
        )
    finally:
        await conn.close()
    expected = [
        ("t1", "Sharma Traders", "t1", "Sharma Traders"),
        ("t1", "patil agencies", "t1", "Patil Agencies"),  # the name as sent stays as it was
        ("t1", "Renamed Before", None, None),
        ("t2", "Sharma Traders", "t2", "Sharma Traders"),
    ]
    assert found == {"statement_run_items": expected, "balance_confirmations": expected}
    assert [tuple(row) for row in left] == [("patil agencies", None)]


async def test_the_downgrade_drops_the_ids_and_keeps_the_names(at_previous: str) -> None:
    await migrate.upgrade(at_previous)
    await migrate.downgrade(at_previous, BEFORE)
    conn = await asyncpg.connect(asyncpg_dsn(at_previous))
    try:
        names = await conn.fetch("SELECT ledger_name FROM statement_run_items ORDER BY position")
        ids = await conn.fetchval(
            "SELECT count(*) FROM information_schema.columns WHERE column_name = 'ledger_id'"
            " AND table_name IN ('statement_run_items', 'balance_confirmations')"
        )
    finally:
        await conn.close()
    assert [row[0] for row in names] == [name for _, name in NAMES]
    assert ids == 0
