"""The ledgers' day totals stay exactly the entries' sums whoever writes them (ORM inserts, the
books sync's COPY, a voucher replaced or deleted, raw updates), and the statement's figures
read from them are the figures the entries give, to the digit as printed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from shared.domain.reports.ledger_source import canonical_ledger, ledger_figures
from shared.infra.runtime import Infrastructure
from tests.factories import create_ledger

from .books_helpers import provision, sync
from .gateway import gateway_client

# The statement's figures summed from the entries themselves (the way they were read before
# the day totals), as text: the scale PostgreSQL prints is part of the output.
DIRECT_FIGURES = """
SELECT (l.opening_balance + COALESCE((SELECT sum(debit - credit) FROM ledger_entries
            WHERE ledger_id = l.id AND entry_date < :f), 0))::text,
       (SELECT count(*) FROM ledger_entries
            WHERE ledger_id = l.id AND entry_date BETWEEN :f AND :t)::text,
       (SELECT COALESCE(sum(debit), 0) FROM ledger_entries
            WHERE ledger_id = l.id AND entry_date BETWEEN :f AND :t)::text,
       (SELECT COALESCE(sum(credit), 0) FROM ledger_entries
            WHERE ledger_id = l.id AND entry_date BETWEEN :f AND :t)::text
FROM ledgers l WHERE l.tenant_id = :tenant AND l.name = :name
"""
# Every ledger's day totals that differ from its entries', either way (none when all is well).
DRIFT = """
(SELECT ledger_id, day, entries, debit, credit FROM ledger_day_totals
 EXCEPT SELECT ledger_id, entry_date, count(*), sum(debit), sum(credit) FROM ledger_entries
 GROUP BY ledger_id, entry_date)
UNION ALL
(SELECT ledger_id, entry_date, count(*), sum(debit), sum(credit) FROM ledger_entries
 GROUP BY ledger_id, entry_date
 EXCEPT SELECT ledger_id, day, entries, debit, credit FROM ledger_day_totals)
"""
LEDGERS = [
    {"id": "L1", "name": "Ganesh Traders", "group": "Sundry Debtors", "opening_balance": "-75.5"},
    {"id": "L2", "name": "Sales", "group": "Sales Accounts", "opening_balance": "0"},
]


def _sale(number: int, day: str, amount: str) -> dict[str, Any]:
    return {
        "id": f"V{number}",
        "date": day,
        "type": "Sales",
        "number": f"S/{number}",
        "lines": [{"ledger": "L1", "debit": amount}, {"ledger": "L2", "credit": amount}],
    }


async def _drift(infra: Infrastructure) -> list[Any]:
    async with infra.engine.connect() as conn:
        return list((await conn.execute(text(DRIFT))).all())


async def test_day_totals_follow_every_write(infra: Infrastructure, tenant_id: str) -> None:
    entries = [(date(2025, 4, day), Decimal(f"{day}.25"), Decimal(0)) for day in (1, 1, 2, 9)]
    await create_ledger(infra.uow(), tenant_id, "ORM Ledger", entries=entries)
    async with gateway_client(infra) as client:
        host = await provision(client, infra.settings)
        await sync(client, infra.settings, host, "ledgers", LEDGERS)
        sales = [_sale(n, f"2026-04-{n:02d}", f"{n}00.10") for n in range(1, 8)]
        await sync(client, infra.settings, host, "vouchers", sales)
        assert await _drift(infra) == []
        replaced = [
            _sale(2, "2026-04-05", "7.77"),
            {**_sale(3, "2026-04-03", "1"), "deleted": True},
        ]
        await sync(client, infra.settings, host, "vouchers", replaced)
    assert await _drift(infra) == []
    async with infra.engine.begin() as conn:
        t = {"t": host}
        await conn.execute(
            text("UPDATE ledger_entries SET narration = 'x' WHERE tenant_id = :t"), t
        )
        await conn.execute(
            text(
                "UPDATE ledger_entries SET entry_date = entry_date + 40, debit = debit * 2"
                " WHERE tenant_id = :t AND voucher_no = 'S/4'"
            ),
            t,
        )
        await conn.execute(
            text("DELETE FROM ledger_entries WHERE tenant_id = :t AND voucher_no = 'S/5'"), t
        )
        days = await conn.execute(
            text(
                "SELECT t.day FROM ledger_day_totals t JOIN ledgers l ON l.id = t.ledger_id"
                " WHERE l.tenant_id = :t ORDER BY t.day"
            ),
            t,
        )
    assert await _drift(infra) == []
    # Both ledgers' days: a day whose entries all went (3 April) has no row, a day moved to
    # (14 May) has one, and a day that lost one voucher but kept another (5 April) keeps it.
    assert {day for (day,) in days} == {
        date(2026, 4, 1), date(2026, 4, 5), date(2026, 4, 6), date(2026, 4, 7), date(2026, 5, 14)
    }  # fmt: skip


async def test_figures_from_day_totals_are_the_entries_figures(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        tenant_id = await provision(client, infra.settings)
        await sync(client, infra.settings, tenant_id, "ledgers", LEDGERS)
        sales = [_sale(n, f"2026-04-{n:02d}", f"{n * 37}.{n:02d}") for n in range(1, 29, 3)]
        await sync(client, infra.settings, tenant_id, "vouchers", sales)
    periods = [
        (date(2026, 4, 1), date(2026, 4, 30)),  # all of it
        (date(2026, 4, 10), date(2026, 4, 19)),  # opening from earlier days, some in the period
        (date(2026, 4, 11), date(2026, 4, 12)),  # no entry in the period
        (date(2026, 3, 1), date(2026, 3, 31)),  # before the first entry
        (date(2026, 5, 1), date(2026, 5, 31)),  # after the last
    ]
    async with infra.engine.connect() as sa_conn:
        raw: Any = await sa_conn.get_raw_connection()
        for name in ("Ganesh Traders", "Sales"):
            ledger = await canonical_ledger(raw.driver_connection, tenant_id, name)
            assert ledger is not None
            for start, end in periods:
                figures = await ledger_figures(raw.driver_connection, ledger, start, end)
                direct = (
                    await sa_conn.execute(
                        text(DIRECT_FIGURES),
                        {"f": start, "t": end, "tenant": tenant_id, "name": name},
                    )
                ).one()
                got = (str(figures.opening), str(figures.entries), str(figures.debit),
                       str(figures.credit))  # fmt: skip
                assert got == tuple(direct), (name, start, end)


async def test_one_statement_emptying_many_days_drops_exactly_those(
    infra: Infrastructure, tenant_id: str
) -> None:
    # Migration 0019: the days a delete or an update empties are dropped by their keys.
    await create_ledger(infra.uow(), tenant_id, "Many Days")
    async with infra.engine.begin() as conn:
        t = {"t": tenant_id}
        await conn.execute(
            text(
                "INSERT INTO ledger_entries (tenant_id, ledger_id, entry_date, voucher_type,"
                " voucher_no, debit, credit)"
                " SELECT CAST(:t AS text), l.id, date '2026-01-01' + d, 'Sales',"
                " 'S/' || d || '/' || k, d + 0.25, 0"
                " FROM ledgers l, generate_series(0, 399) d, generate_series(1, 2) k"
                " WHERE l.tenant_id = :t AND l.name = 'Many Days'"
            ),
            t,
        )
        # Odd days lose both entries, days divisible by 4 one of their two.
        await conn.execute(
            text(
                "DELETE FROM ledger_entries WHERE tenant_id = :t AND ("
                " (entry_date - date '2026-01-01') % 2 = 1"
                " OR ((entry_date - date '2026-01-01') % 4 = 0 AND voucher_no LIKE '%/1'))"
            ),
            t,
        )
        kept = await conn.scalar(
            text(
                "SELECT count(*) FROM ledger_day_totals d JOIN ledgers l ON l.id = d.ledger_id"
                " WHERE l.tenant_id = :t"
            ),
            t,
        )
        assert kept == 200
        # Every entry moved to one day: 199 days emptied by an update, one filled.
        await conn.execute(
            text("UPDATE ledger_entries SET entry_date = '2027-01-01' WHERE tenant_id = :t"), t
        )
        days = await conn.execute(
            text(
                "SELECT d.day, d.entries FROM ledger_day_totals d"
                " JOIN ledgers l ON l.id = d.ledger_id WHERE l.tenant_id = :t"
            ),
            t,
        )
        assert [tuple(row) for row in days] == [(date(2027, 1, 1), 300)]
    assert await _drift(infra) == []
