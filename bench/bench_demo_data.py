"""Time `shared.tools.demo.load_demo_data` and record it under "## Demo data load" in RESULTS.md.

Loads into a scratch tenant of the database named by DATABASE_URL twice: once into an empty
tenant, then again over it (the replace path `make demo-data` takes on a rerun). The tenant and
its rows are removed afterwards unless --keep is given.

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/ledgerpost \
        .venv/bin/python bench/bench_demo_data.py --rows 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
from datetime import date

import asyncpg
from results_file import record_section

from shared.tools.demo import DemoSummary, load_demo_data

SECTION = "## Demo data load"
# Fixed so that every run generates the same books and timings compare like for like.
AS_OF = date(2025, 11, 15)


async def _drop_tenant(dsn: str, tenant_id: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            for table in ("ledger_entries", "bills", "ledgers"):
                await conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", tenant_id)
            await conn.execute("DELETE FROM tenants WHERE id = $1", tenant_id)
    finally:
        await conn.close()


async def _server_version(dsn: str) -> str:
    conn = await asyncpg.connect(dsn)
    try:
        version: str = await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()
    return version.split()[0]


async def _run(dsn: str, tenant_id: str, rows: int, keep: bool) -> tuple[list[DemoSummary], str]:
    await _drop_tenant(dsn, tenant_id)
    runs = []
    for label in ("fresh tenant", "reload (replaces)"):
        summary = await load_demo_data(dsn, tenant_id=tenant_id, rows=rows, as_of=AS_OF)
        rate = summary.entries / summary.seconds
        print(
            f"{label}: {summary.entries:,} entries in {summary.seconds:.2f} s = {rate:,.0f} rows/s"
        )
        runs.append(summary)
    if not keep:
        await _drop_tenant(dsn, tenant_id)
    return runs, await _server_version(dsn)


def _section(rows: int, runs: list[DemoSummary], server: str) -> str:
    lines = [
        SECTION,
        "",
        f"`bench/bench_demo_data.py --rows {rows}` on {date.today().isoformat()}: "
        f"{os.cpu_count()} CPUs, PostgreSQL {server}, Python {platform.python_version()}. "
        "One transaction per load (tenant upsert, DELETE of the tenant's books, binary COPY).",
        "",
        "| run | entries | bills | ledgers | seconds | entries/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, s in zip(("fresh tenant", "reload (replaces)"), runs, strict=True):
        rate = s.entries / s.seconds
        lines.append(
            f"| {label} | {s.entries:,} | {s.bills:,} | {s.ledgers:,} "
            f"| {s.seconds:.2f} | {rate:,.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tenant", default="bench-demo-data")
    parser.add_argument("--keep", action="store_true", help="leave the loaded tenant in place")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    if not url:
        parser.error("DATABASE_URL is required (postgresql+asyncpg://...)")
    dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
    runs, server = asyncio.run(_run(dsn, args.tenant, args.rows, args.keep))
    record_section(SECTION, _section(args.rows, runs, server))


if __name__ == "__main__":
    main()
