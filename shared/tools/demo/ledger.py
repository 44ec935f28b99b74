"""One big customer ledger for benchmarks: a party that trades with the tenant all day, every day.

The ledger (group Sundry Debtors) gets exactly `entries` rows from the books' first day
(`books_start(as_of)`) to `as_of`, spread like the demo books (quiet Sundays, a March rush,
festive Oct/Nov, growth): Sales invoices (Dr, taxable value plus GST), Receipts that settle
the oldest open invoices fully or in part (Cr, with the bank narrations of the full books), and
a few Journals (discount allowed, Cr; interest on delayed payment, Dr). Voucher numbers restart
every financial year and leave gaps, as other parties' vouchers take the numbers in between.
Receipts are steered so that a few dozen invoices stay open: the balance stays in lakhs (up to
about a crore).

Only this ledger's side of each voucher is written (the counter-entries would be other
ledgers' rows), and no bills: it is a data set for statements, not a set of books. Output
depends only on (entries, seed, as_of, ledger_name, tenant_id).
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections import deque
from collections.abc import Iterator
from datetime import date, timedelta

import asyncpg

from shared.tools.demo import names
from shared.tools.demo.chart import (
    ZERO,
    EntryRecord,
    LedgerRecord,
    amount,
    books_start,
    fy_label,
    money,
)
from shared.tools.demo.load import (
    ENTRY_COLUMNS,
    LEDGER_COLUMNS,
    ledger_ids,
    lock_and_ensure_tenant,
    today_in,
    with_ledger_ids,
)
from shared.tools.demo.registrations import party_registration
from shared.tools.demo.vouchers import payment_mode

OPEN_INVOICES = 40  # receipts speed up above this many open invoices and slow down below half
_RATE_CUMULATIVE = list(itertools.accumulate(names.GST_RATE_WEIGHTS))


def _day_counts(entries: int, start: date, as_of: date) -> Iterator[tuple[date, int]]:
    """`entries` split over the days, weighted like the demo books; the counts sum exactly."""
    days = [start + timedelta(i) for i in range((as_of - start).days + 1)]
    weights = []
    for i, day in enumerate(days):
        week = (1.0, 1.0, 1.0, 1.0, 1.0, 0.6, 0.1)[day.weekday()]
        season = 1.4 if day.month == 3 else 1.2 if day.month in (10, 11) else 1.0
        weights.append(week * season * (1.0 + 0.3 * i / len(days)))
    total, made = sum(weights), 0
    for day, running in zip(days, itertools.accumulate(weights), strict=True):
        upto = entries if day == as_of else min(entries, round(entries * running / total))
        yield day, upto - made
        made = upto


def generate_ledger_entries(
    tenant_id: str, ledger_name: str, *, entries: int, seed: int, as_of: date
) -> Iterator[EntryRecord]:
    """The ledger's rows in date order (the order their ids should follow)."""
    rng = random.Random(f"{seed}:ledger:{ledger_name}")
    rand, lognormal = rng.random, rng.lognormvariate
    inter_state = rand() < 0.25
    tax_word = "IGST" if inter_state else "CGST+SGST"
    open_bills: deque[list[int | str]] = deque()  # [voucher no, unpaid paise, total paise]
    counters: dict[str, int] = {}
    fy = ""

    def number(prefix: str) -> str:
        # The tenant's other vouchers take the numbers in between: about 3 in 4 are skipped.
        counters[prefix] = counters.get(prefix, 0) + 1 + int(rand() * 7)
        return f"{prefix}/{fy}/{counters[prefix]:06d}"

    for day, count in _day_counts(entries, books_start(as_of), as_of):
        if fy_label(day) != fy:
            fy, counters = fy_label(day), {}
        for _ in range(count):
            waiting = len(open_bills)
            p_receipt = 0.62 if waiting > OPEN_INVOICES else 0.3 if waiting < 20 else 0.47
            roll = rand()
            if roll < 0.03 and waiting:  # a journal against the oldest open invoice
                bill = open_bills[0]
                vno, unpaid, total = str(bill[0]), int(bill[1]), int(bill[2])
                if roll < 0.02:
                    paise = min(unpaid, total * (1 + int(rand() * 3)) // 100)
                    bill[1] = unpaid - paise
                    if paise == unpaid:
                        open_bills.popleft()
                    text = f"Being discount allowed against {vno}"
                    yield (tenant_id, ledger_name, day, "Journal", number("JV"), text, ZERO,
                           money(paise))  # fmt: skip
                else:
                    late = 10 + int(rand() * 50)
                    paise = max(100, total * 18 * late // 36_500)
                    text = f"Being interest @18% p.a. charged on {vno} for {late} days' delay"
                    yield (tenant_id, ledger_name, day, "Journal", number("JV"), text,
                           money(paise), ZERO)  # fmt: skip
            elif roll < 0.03 + p_receipt and waiting:
                bill = open_bills[0]
                vno, unpaid = str(bill[0]), int(bill[1])
                paise = unpaid
                if rand() < 0.2:  # part-payment: the rest stays open
                    paise = max(100, int(unpaid * (0.3 + 0.4 * rand())) // 100 * 100)
                paise = min(paise, unpaid)
                if paise == unpaid:
                    open_bills.popleft()
                else:
                    bill[1] = unpaid - paise
                if paise < 2_000_000 and rand() < 0.1:  # cash only below the ₹2 lakh limit
                    how = "in cash"
                else:
                    how = payment_mode(rng, day, paise)[1]
                text = f"Received {how} against {vno}"
                yield (tenant_id, ledger_name, day, "Receipt", number("RCT"), text, ZERO,
                       money(paise))  # fmt: skip
            else:
                rate = names.GST_RATES[
                    bisect.bisect(_RATE_CUMULATIVE, rand() * _RATE_CUMULATIVE[-1])
                ]
                taxable = round(min(390_000, max(500, 20_000 * lognormal(0.0, 1.2))) * 100)
                total = taxable + (taxable * rate + 50) // 100
                vno = number("SAL")
                open_bills.append([vno, total, total])
                text = f"Being goods sold to {ledger_name} vide invoice {vno} ({tax_word} {rate}%)"
                yield (tenant_id, ledger_name, day, "Sales", vno, text, money(total), ZERO)


async def load_single_ledger(
    dsn: str,
    *,
    tenant_id: str,
    ledger_name: str,
    entries: int,
    seed: int = 7,
    as_of: date | None = None,
) -> int:
    """Replace `ledger_name`'s ledger row and entries (and drop its bills) with one big ledger.

    Creates the tenant when missing; one transaction, binary COPY, then ANALYZE so the planner
    knows the new rows at once. Returns the number of entries loaded.
    """
    if entries < 0:
        raise ValueError("entries must be >= 0")
    as_of = as_of or today_in("Asia/Kolkata")
    start = books_start(as_of)
    rng = random.Random(f"{seed}:ledger-opening:{ledger_name}")
    opening = amount(rng, 40_000, 1.0, 500, 900_000) if rng.random() < 0.6 else 0
    gstin, address = party_registration(seed, ledger_name, ledger_name, interstate=False)
    ledger: LedgerRecord = (
        tenant_id, ledger_name, "Sundry Debtors", ledger_name, money(opening), start, gstin,
        address,
    )  # fmt: skip
    rows = generate_ledger_entries(tenant_id, ledger_name, entries=entries, seed=seed, as_of=as_of)
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await lock_and_ensure_tenant(conn, tenant_id)
            existing = await conn.fetchval(
                "SELECT id FROM ledgers WHERE tenant_id = $1 AND lower(name) = lower($2)",
                tenant_id,
                ledger_name,
            )
            for table, column in (("ledger_entries", "ledger_id"), ("bills", "ledger_id"),
                                  ("ledgers", "id")):  # fmt: skip
                await conn.execute(f"DELETE FROM {table} WHERE {column} = $1", existing)
            await conn.copy_records_to_table("ledgers", records=[ledger], columns=LEDGER_COLUMNS)
            ids = await ledger_ids(conn, tenant_id)
            status = await conn.copy_records_to_table(
                "ledger_entries", records=with_ledger_ids(rows, ids), columns=ENTRY_COLUMNS
            )
        await conn.execute("ANALYZE ledger_entries")
    finally:
        await conn.close()
    return int(status.split()[-1])
