"""`python -m shared.demo`: load demo books (or one big party ledger) into a tenant."""

from __future__ import annotations

import argparse
import asyncio
import os
from datetime import date

from shared.tools.demo.ledger import load_single_ledger
from shared.tools.demo.load import load_demo_data


def main() -> None:
    parser = argparse.ArgumentParser(description="Load deterministic demo books into a tenant.")
    parser.add_argument("--dsn", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--tenant", default="demo")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--tenant-name")
    parser.add_argument("--timezone", default="Asia/Kolkata")
    parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    parser.add_argument(
        "--ledger", help="load only this one party ledger, with --rows entries (for benchmarks)"
    )
    args = parser.parse_args()
    if not args.dsn:
        parser.error("--dsn or DATABASE_URL is required")
    dsn = args.dsn.replace("postgresql+asyncpg://", "postgresql://", 1)
    if args.ledger:
        count = asyncio.run(
            load_single_ledger(
                dsn,
                tenant_id=args.tenant,
                ledger_name=args.ledger,
                entries=args.rows,
                seed=args.seed,
                as_of=args.as_of,
            )
        )
        print(f"tenant {args.tenant!r}: ledger {args.ledger!r} with {count} entries")
        return
    summary = load_demo_data(
        dsn, tenant_id=args.tenant, rows=args.rows, seed=args.seed, as_of=args.as_of,
        tenant_name=args.tenant_name, timezone=args.timezone,
    )  # fmt: skip
    print(asyncio.run(summary))


if __name__ == "__main__":
    main()
