"""The demo books loader against a migrated PostgreSQL: deterministic, balanced, replaceable."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import asyncpg

from shared.domain.tax_ids import check_gstin_matches_pan, normalize_gstin, normalize_pan
from shared.tools.demo import DemoSummary, generate_chart, generate_vouchers, load_demo_data

# A fixed "today" so every run of these tests generates the same books.
AS_OF = date(2025, 11, 15)


def _tenant() -> str:
    return f"t-{uuid.uuid4().hex[:8]}"


async def _load(dsn: str, tenant_id: str, rows: int, seed: int = 42, **extra: Any) -> DemoSummary:
    return await load_demo_data(
        dsn, tenant_id=tenant_id, rows=rows, seed=seed, as_of=AS_OF, **extra
    )


async def _fetch(dsn: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def _entries(dsn: str, tenant_id: str) -> list[tuple[object, ...]]:
    columns = "l.name, entry_date, voucher_type, voucher_no, narration, debit, credit"
    sql = (
        f"SELECT {columns} FROM ledger_entries e JOIN ledgers l ON l.id = e.ledger_id"
        f" WHERE e.tenant_id = $1 ORDER BY {columns}"
    )
    return [tuple(r) for r in await _fetch(dsn, sql, tenant_id)]


def test_parties_are_local_and_inter_state_and_a_few_are_unregistered() -> None:
    chart = generate_chart(400_000, 42, AS_OF)
    gstins = [record[6] for record in chart.ledgers if record[3] is not None]
    registered = [gstin for gstin in gstins if gstin is not None]
    assert len(gstins) == 200 and 0.8 < len(registered) / len(gstins) < 0.97
    assert all(normalize_gstin(gstin) == gstin for gstin in registered)
    states = {gstin[:2] for gstin in registered}
    assert "27" in states and len(states) > 5  # Maharashtra's own, and other states'


def test_generation_is_deterministic_and_near_the_asked_size() -> None:
    for rows in (300, 4_000):
        runs = []
        for _ in range(2):
            chart = generate_chart(rows, 7, AS_OF)
            runs.append(list(generate_vouchers(chart, rows=rows, seed=7, as_of=AS_OF)))
        assert runs[0] == runs[1]
        produced = sum(len(entries) for entries, _ in runs[0])
        assert abs(produced - rows) <= rows * 0.05, (rows, produced)


async def test_same_seed_gives_the_same_books_in_two_tenants(db_dsn: str) -> None:
    first, second, other = _tenant(), _tenant(), _tenant()
    await _load(db_dsn, first, 3_000, seed=7)
    await _load(db_dsn, second, 3_000, seed=7)
    await _load(db_dsn, other, 3_000, seed=8)

    assert await _entries(db_dsn, first) == await _entries(db_dsn, second)
    assert await _entries(db_dsn, first) != await _entries(db_dsn, other)
    # A bill names its ledger as the ledger is named.
    bills = (
        "bills JOIN (SELECT id AS ledger_id, name AS ledger_name FROM ledgers) AS l"
        " USING (ledger_id)"
    )
    for table, columns in (
        ("ledgers", "name, group_name, party_name, opening_balance, opening_date"),
        (bills, "ledger_name, kind, bill_ref, bill_date, due_date, amount, pending_amount"),
    ):
        sql = f"SELECT {columns} FROM {table} WHERE tenant_id = $1 ORDER BY {columns}"
        assert [tuple(r) for r in await _fetch(db_dsn, sql, first)] == [
            tuple(r) for r in await _fetch(db_dsn, sql, second)
        ]


async def test_every_voucher_balances(db_dsn: str) -> None:
    tenant = _tenant()
    summary = await _load(db_dsn, tenant, 5_000)

    [totals] = await _fetch(
        db_dsn,
        "SELECT count(*) AS n, sum(debit) AS dr, sum(credit) AS cr,"
        " count(*) FILTER (WHERE (debit > 0) = (credit > 0)) AS both_or_neither"
        " FROM ledger_entries WHERE tenant_id = $1",
        tenant,
    )
    assert totals["n"] == summary.entries
    assert abs(summary.entries - 5_000) <= 250
    assert totals["dr"] == totals["cr"] > 0
    assert totals["both_or_neither"] == 0
    unbalanced = await _fetch(
        db_dsn,
        "SELECT voucher_no FROM ledger_entries WHERE tenant_id = $1"
        " GROUP BY voucher_type, voucher_no HAVING sum(debit) <> sum(credit)",
        tenant,
    )
    assert unbalanced == []
    types = await _fetch(
        db_dsn, "SELECT DISTINCT voucher_type FROM ledger_entries WHERE tenant_id = $1", tenant
    )
    assert {r["voucher_type"] for r in types} == {
        "Sales", "Purchase", "Receipt", "Payment", "Journal", "Contra"
    }  # fmt: skip


async def test_tenant_is_created_with_name_timezone_and_domain(db_dsn: str) -> None:
    tenant = _tenant()
    await _load(
        db_dsn, tenant, 500, tenant_name="Kaveri Spinning Mills Pvt Ltd", timezone="Asia/Dubai"
    )

    [row] = await _fetch(
        db_dsn, "SELECT name, timezone, internal_domains FROM tenants WHERE id = $1", tenant
    )
    assert row["name"] == "Kaveri Spinning Mills Pvt Ltd"
    assert row["timezone"] == "Asia/Dubai"
    assert row["internal_domains"] == ["kaveri-spinning-mills.example"]


async def test_the_demo_company_has_a_letterhead_and_its_parties_valid_gstins(
    db_dsn: str,
) -> None:
    tenant = _tenant()
    await _load(db_dsn, tenant, 4_000, tenant_name="Kaveri Spinning Mills Pvt Ltd")

    [company] = await _fetch(db_dsn, "SELECT * FROM tenants WHERE id = $1", tenant)
    assert company["legal_name"] == "Kaveri Spinning Mills Pvt Ltd"
    assert company["address"][-1] == "Maharashtra" and len(company["address"]) == 4
    pan = normalize_pan(company["pan"])
    check_gstin_matches_pan(normalize_gstin(company["gstin"]), pan)
    assert company["gstin"].startswith("27") and pan[3] == "C"  # a Pune company
    assert company["email"] == "accounts@kaveri-spinning-mills.example"
    parties = await _fetch(
        db_dsn,
        "SELECT name, group_name, gstin, address FROM ledgers"
        " WHERE tenant_id = $1 AND party_name IS NOT NULL",
        tenant,
    )
    registered = [p for p in parties if p["gstin"] is not None]
    assert len(parties) == 20 and len(registered) > 15
    assert all(normalize_gstin(p["gstin"]) == p["gstin"] for p in registered)
    assert all(len(p["address"]) == 3 for p in parties)
    others = await _fetch(
        db_dsn,
        "SELECT count(*) AS n FROM ledgers WHERE tenant_id = $1 AND party_name IS NULL"
        " AND (gstin IS NOT NULL OR address <> '{}')",
        tenant,
    )
    assert others[0]["n"] == 0  # Cash, Sales and the like have no letterhead party


async def test_a_second_load_replaces_the_books_and_keeps_the_tenant(db_dsn: str) -> None:
    tenant, neighbour = _tenant(), _tenant()
    await _load(db_dsn, neighbour, 1_000)
    neighbour_entries = await _entries(db_dsn, neighbour)
    await _load(db_dsn, tenant, 2_000, tenant_name="First Name Pvt Ltd")

    again = await _load(db_dsn, tenant, 1_000, seed=9, tenant_name="Second Name Pvt Ltd")

    counts = await _fetch(
        db_dsn,
        "SELECT (SELECT count(*) FROM ledger_entries WHERE tenant_id = $1) AS entries,"
        " (SELECT count(*) FROM bills WHERE tenant_id = $1) AS bills,"
        " (SELECT count(*) FROM ledgers WHERE tenant_id = $1) AS ledgers,"
        " (SELECT array_agg(name) FROM tenants WHERE id = $1) AS names",
        tenant,
    )
    assert dict(counts[0]) == {
        "entries": again.entries,
        "bills": again.bills,
        "ledgers": again.ledgers,
        "names": ["First Name Pvt Ltd"],  # an existing tenant row is left alone
    }
    assert await _entries(db_dsn, neighbour) == neighbour_entries


async def test_bills_are_consistent_and_span_the_ageing_buckets(db_dsn: str) -> None:
    tenant = _tenant()
    summary = await _load(db_dsn, tenant, 5_000)

    bills = await _fetch(
        db_dsn,
        "SELECT b.*, l.group_name, e.debit + e.credit AS invoiced FROM bills b"
        " JOIN ledgers l ON l.id = b.ledger_id AND l.tenant_id = b.tenant_id"
        " JOIN ledger_entries e ON e.tenant_id = b.tenant_id AND e.voucher_no = b.bill_ref"
        "  AND e.ledger_id = b.ledger_id"
        " WHERE b.tenant_id = $1",
        tenant,
    )
    assert len(bills) == summary.bills > 0
    [invoices] = await _fetch(
        db_dsn,
        "SELECT count(DISTINCT voucher_no) AS n FROM ledger_entries"
        " WHERE tenant_id = $1 AND voucher_type IN ('Sales', 'Purchase')",
        tenant,
    )
    assert invoices["n"] == summary.bills
    for bill in bills:
        assert 0 <= bill["pending_amount"] <= bill["amount"] == bill["invoiced"]
        assert 15 <= (bill["due_date"] - bill["bill_date"]).days <= 90
        expected = "Sundry Debtors" if bill["kind"] == "receivable" else "Sundry Creditors"
        assert bill["group_name"] == expected
    open_bills = [b for b in bills if b["pending_amount"] > 0]
    assert {b["kind"] for b in open_bills} == {"receivable", "payable"}
    buckets = {
        min(3, max(0, (AS_OF - b["bill_date"]).days - 1) // 30) for b in open_bills
    }  # 0-30, 31-60, 61-90, 90+
    assert buckets == {0, 1, 2, 3}
    assert any(0 < b["pending_amount"] < b["amount"] for b in bills)  # part-paid bills exist
    assert any(b["pending_amount"] == 0 for b in bills)


async def test_ledger_names_are_unique_ignoring_case_and_own_every_entry(db_dsn: str) -> None:
    tenant = _tenant()
    await _load(db_dsn, tenant, 4_000)

    [names] = await _fetch(
        db_dsn,
        "SELECT count(*) AS n, count(DISTINCT lower(name)) AS distinct_names,"
        " sum(opening_balance) AS openings FROM ledgers WHERE tenant_id = $1",
        tenant,
    )
    assert names["n"] == names["distinct_names"] > 20
    assert names["openings"] == 0  # Share Capital balances the opening trial balance
    strays = await _fetch(  # entries and bills on another tenant's ledger
        db_dsn,
        "SELECT l.name FROM ledgers l JOIN ledger_entries e ON e.ledger_id = l.id"
        " WHERE e.tenant_id = $1 AND l.tenant_id <> e.tenant_id"
        " UNION ALL SELECT l.name FROM ledgers l JOIN bills b ON b.ledger_id = l.id"
        " WHERE b.tenant_id = $1 AND l.tenant_id <> b.tenant_id",
        tenant,
    )
    assert strays == []
