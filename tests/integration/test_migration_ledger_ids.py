"""Migration 0014 moves entries and bills from ledger names to ledger ids: rows written before
it (by name) all find their ledger, the names no ledger held get one, and nothing is lost."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from shared.domain.reports.ledger_source import canonical_ledger, ledger_figures
from shared.infra.db import asyncpg_dsn
from shared.tools import migrate

BEFORE = "0014-1"  # the revision before the move (Alembic's relative identifier)
LEDGERS = [  # tenant, name, group, opening balance
    ("t1", "Sharma Traders", "Sundry Debtors", Decimal("1000.00")),
    ("t1", "Cash", "Cash-in-Hand", Decimal("0")),
    ("t2", "Sharma Traders", "Sundry Debtors", Decimal("-50.00")),  # the same name elsewhere
]
ENTRIES = [  # tenant, ledger name as written, date, debit, credit
    ("t1", "Sharma Traders", date(2025, 3, 20), Decimal("200.00"), Decimal("0")),
    ("t1", "Sharma Traders", date(2025, 4, 5), Decimal("1180.00"), Decimal("0")),
    ("t1", "sharma traders", date(2025, 4, 9), Decimal("0"), Decimal("500.00")),  # other case
    ("t1", "Cash", date(2025, 4, 9), Decimal("500.00"), Decimal("0")),
    ("t1", "Old Suspense", date(2025, 4, 2), Decimal("7.00"), Decimal("0")),  # no ledger
    ("t2", "Sharma Traders", date(2025, 4, 6), Decimal("99.00"), Decimal("0")),
]
BILLS = [  # tenant, ledger name as written, kind, ref, date
    ("t1", "Sharma Traders", "receivable", "101", date(2025, 4, 5)),
    ("t1", "Patil Agencies", "payable", "P-7", date(2025, 4, 3)),  # no ledger
    ("t1", "patil agencies", "payable", "P-8", date(2025, 4, 1)),  # the same, other case
    ("t1", "Patil Agencies", "payable", "P-9", date(2025, 4, 4)),
]


@pytest.fixture
async def at_previous(test_database_url: str) -> AsyncIterator[str]:
    """A scratch database at the revision before 0014, holding books written by name."""
    scratch = make_url(test_database_url).set(database=f"lp_ledger_ids_{uuid.uuid4().hex[:8]}")
    url = scratch.render_as_string(hide_password=False)
    await migrate.upgrade(url, BEFORE)
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        for tenant in ("t1", "t2"):
            await conn.execute("INSERT INTO tenants (id, name) VALUES ($1, $1)", tenant)
        await conn.executemany(
            "INSERT INTO ledgers (tenant_id, name, group_name, opening_balance, opening_date)"
            " VALUES ($1, $2, $3, $4, '2025-04-01')",
            LEDGERS,
        )
        await conn.executemany(
            "INSERT INTO ledger_entries (tenant_id, ledger_name, entry_date, voucher_type,"
            " voucher_no, debit, credit) VALUES ($1, $2, $3, 'Journal', 'J/1', $4, $5)",
            ENTRIES,
        )
        await conn.executemany(
            "INSERT INTO bills (tenant_id, ledger_name, kind, bill_ref, bill_date, due_date,"
            " amount, pending_amount) VALUES ($1, $2, $3, $4, $5, $5, 100, 40)",
            BILLS,
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


async def test_rows_written_by_name_find_their_ledgers(at_previous: str) -> None:
    await migrate.upgrade(at_previous)
    conn = await asyncpg.connect(asyncpg_dsn(at_previous))
    try:
        entries = await conn.fetch(
            "SELECT e.tenant_id, l.tenant_id AS ledger_tenant, l.name, e.entry_date"
            " FROM ledger_entries e JOIN ledgers l ON l.id = e.ledger_id ORDER BY e.id"
        )
        bills = await conn.fetch(
            "SELECT b.bill_ref, l.name, l.group_name, l.opening_balance, l.opening_date"
            " FROM bills b JOIN ledgers l ON l.id = b.ledger_id ORDER BY b.id"
        )
        columns = await conn.fetch(
            "SELECT table_name, column_name, is_nullable FROM information_schema.columns"
            " WHERE table_name IN ('ledger_entries', 'bills')"
            " AND column_name IN ('ledger_name', 'ledger_id')"
        )
        with pytest.raises(asyncpg.ForeignKeyViolationError):
            await conn.execute(
                "INSERT INTO ledger_entries (tenant_id, ledger_id, entry_date, voucher_type,"
                " voucher_no) VALUES ('t1', -1, '2025-04-01', 'Journal', 'J/2')"
            )
        sharma = await canonical_ledger(conn, "t1", "SHARMA TRADERS")
        assert sharma is not None
        figures = await ledger_figures(conn, sharma, date(2025, 4, 1), date(2025, 4, 30))
        suspense = await conn.fetchrow(
            "SELECT group_name, opening_balance, opening_date FROM ledgers"
            " WHERE tenant_id = 't1' AND name = 'Old Suspense'"
        )
    finally:
        await conn.close()

    assert len(entries) == len(ENTRIES)  # none lost
    for entry, (tenant, name, day, _, _) in zip(entries, ENTRIES, strict=True):
        assert entry["tenant_id"] == entry["ledger_tenant"] == tenant
        assert entry["name"].lower() == name.lower() and entry["entry_date"] == day
    # Both spellings are one ledger's, under its own name; each tenant's rows stay its own.
    assert [e["name"] for e in entries[:3]] == ["Sharma Traders"] * 3
    assert suspense is not None and tuple(suspense) == ("Suspense A/c", 0, date(2025, 4, 2))
    # A name only bills held: one ledger, spelt as most of its rows spell it, on the side its
    # kind says, opening at zero on its first bill's date.
    assert [(b["bill_ref"], b["name"], b["group_name"]) for b in bills] == [
        ("101", "Sharma Traders", "Sundry Debtors"),
        ("P-7", "Patil Agencies", "Sundry Creditors"),
        ("P-8", "Patil Agencies", "Sundry Creditors"),
        ("P-9", "Patil Agencies", "Sundry Creditors"),
    ]
    assert (bills[1]["opening_balance"], bills[1]["opening_date"]) == (0, date(2025, 4, 1))
    assert {(c["table_name"], c["column_name"], c["is_nullable"]) for c in columns} == {
        ("ledger_entries", "ledger_id", "NO"),
        ("bills", "ledger_id", "NO"),
    }
    # The statement reads what the names used to give it, the other-case entry included.
    assert (figures.opening, figures.entries) == (Decimal("1200.00"), 2)
    assert (figures.debit, figures.credit) == (Decimal("1180.00"), Decimal("500.00"))


async def test_the_downgrade_writes_the_names_back(at_previous: str) -> None:
    await migrate.upgrade(at_previous)
    await migrate.downgrade(at_previous, BEFORE)
    conn = await asyncpg.connect(asyncpg_dsn(at_previous))
    try:
        names = await conn.fetch("SELECT tenant_id, ledger_name FROM ledger_entries ORDER BY id")
        bills = await conn.fetch("SELECT ledger_name FROM bills ORDER BY id")
    finally:
        await conn.close()
    # Each row names its ledger as the ledger spells it.
    assert [(r["tenant_id"], r["ledger_name"]) for r in names] == [
        (tenant, "Sharma Traders" if name.lower() == "sharma traders" else name)
        for tenant, name, *_ in ENTRIES
    ]
    assert [r["ledger_name"] for r in bills] == ["Sharma Traders"] + ["Patil Agencies"] * 3
