"""Loading generated books into PostgreSQL: one transaction per tenant, binary COPY."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from shared.tools.demo.chart import BillRecord, EntryRecord, generate_chart, tenant_profile
from shared.tools.demo.registrations import company_profile
from shared.tools.demo.vouchers import generate_vouchers

LEDGER_COLUMNS = ("tenant_id", "name", "group_name", "party_name", "opening_balance",
                  "opening_date", "gstin", "address")  # fmt: skip
# The generated records name their ledger; the rows copied carry its id in that place.
ENTRY_COLUMNS = ("tenant_id", "ledger_id", "entry_date", "voucher_type", "voucher_no",
                 "narration", "debit", "credit")  # fmt: skip
BILL_COLUMNS = ("tenant_id", "ledger_id", "kind", "bill_ref", "bill_date", "due_date", "amount",
                "pending_amount")  # fmt: skip
SEGMENT_ROWS = 200_000
DEFAULT_TIMEZONE = "Asia/Kolkata"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    tenant_id: str
    ledgers: int
    entries: int
    bills: int
    seconds: float


def with_ledger_ids(records: Iterable[tuple[Any, ...]], ids: dict[str, int]) -> Iterator[Any]:
    """`records` (tenant, ledger name, ...) as COPY writes them: (tenant, ledger id, ...)."""
    for tenant_id, name, *rest in records:
        yield (tenant_id, ids[name], *rest)


async def ledger_ids(conn: Any, tenant_id: str) -> dict[str, int]:
    rows = await conn.fetch("SELECT name, id FROM ledgers WHERE tenant_id = $1", tenant_id)
    return {row["name"]: row["id"] for row in rows}


def today_in(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


async def lock_and_ensure_tenant(
    conn: Any, tenant_id: str, tenant_name: str | None = None, timezone: str = DEFAULT_TIMEZONE
) -> None:
    """Inside a transaction: serialise loads of `tenant_id`, then create its row when missing,
    with a letterhead profile (an existing tenant's profile is the admin's: left alone)."""
    # Two loads of one tenant would otherwise both delete and then both insert.
    lock = "SELECT pg_advisory_xact_lock(hashtextextended('ledgerpost.demo:' || $1, 0))"
    await conn.execute(lock, tenant_id)
    name, domains = tenant_profile(tenant_id, tenant_name)
    profile = company_profile(tenant_id, name, domains[0])
    columns = ("id", "name", "timezone", "internal_domains", *profile)
    values = ", ".join(f"${n}" for n in range(1, len(columns) + 1))
    insert = f"INSERT INTO tenants ({', '.join(columns)}) VALUES ({values})"
    await conn.execute(
        f"{insert} ON CONFLICT (id) DO NOTHING",
        tenant_id,
        name,
        timezone,
        domains,
        *profile.values(),
    )


async def load_demo_data(
    dsn: str,
    *,
    tenant_id: str = "demo",
    rows: int = 20_000,
    seed: int = 42,
    tenant_name: str | None = None,
    timezone: str = DEFAULT_TIMEZONE,
    as_of: date | None = None,
) -> DemoSummary:
    """Replace `tenant_id`'s ledgers, entries and bills with generated books, in one transaction."""
    started = time.perf_counter()
    as_of = as_of or today_in(timezone)
    chart = generate_chart(rows, seed, as_of, tenant_id)
    vouchers = generate_vouchers(chart, rows=rows, seed=seed, as_of=as_of, tenant_id=tenant_id)
    entries, bills, done = 0, 0, False
    pending: list[BillRecord] = []

    def segment() -> Iterator[EntryRecord]:
        # Lazy, so generating overlaps with the server ingesting; bills are copied after each
        # segment, which bounds memory by SEGMENT_ROWS however many rows are asked for.
        nonlocal done
        count = 0
        for voucher_rows, bill in vouchers:
            yield from voucher_rows
            if bill is not None:
                pending.append(bill)
            count += len(voucher_rows)
            if count >= SEGMENT_ROWS:
                return
        done = True

    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await lock_and_ensure_tenant(conn, tenant_id, tenant_name, timezone)
            for table in ("ledger_entries", "bills", "ledgers"):
                await conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", tenant_id)
            await conn.copy_records_to_table(
                "ledgers", records=chart.ledgers, columns=LEDGER_COLUMNS
            )
            ids = await ledger_ids(conn, tenant_id)
            while not done:
                status = await conn.copy_records_to_table(
                    "ledger_entries", records=with_ledger_ids(segment(), ids), columns=ENTRY_COLUMNS
                )
                entries += int(status.split()[-1])
                await conn.copy_records_to_table(
                    "bills", records=with_ledger_ids(pending, ids), columns=BILL_COLUMNS
                )
                bills, pending[:] = bills + len(pending), []
    finally:
        await conn.close()
    return DemoSummary(tenant_id, len(chart.ledgers), entries, bills, time.perf_counter() - started)
