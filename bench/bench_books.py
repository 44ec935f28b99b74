"""Books sync throughput: voucher lines per second through the host API (NDJSON) and through
the Tally import, against binary COPY of the same rows (the demo loader's way), with the peak
memory of each. Records "## Books sync" in RESULTS.md.

Each way runs in its own child process (so its peak RSS is its own) on a fresh scratch tenant
whose ledgers are synced first (not timed), `--repeat` times, in rotation so a noisy moment of
the shared machine hits each way alike. Between runs the tables are vacuumed (not timed), so
no way reads the dead rows of the runs before it. Each child freezes its start-up heap once
built, as the gateway and the export-service processes do. Target: the API at least 0.5x COPY.

    DATABASE_URL=postgresql+asyncpg://postgres@127.0.0.1:5432/ledgerpost \\
        .venv/bin/python bench/bench_books.py --vouchers 100000
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from results_file import record_section

SECTION = "## Books sync"
WAYS = ("copy", "api", "tally")
REQUEST_VOUCHERS = 10_000  # vouchers per API request (under BOOKS_MAX_ROWS_PER_REQUEST)


async def _fresh_tenant(dsn: str, tenant_id: str) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            for table in ("ledger_entries", "bills", "ledgers", "books_changes"):
                await conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", tenant_id)
            await conn.execute("DELETE FROM tenants WHERE id = $1", tenant_id)
            await conn.execute(
                "INSERT INTO tenants (id, name) VALUES ($1, 'Books bench')", tenant_id
            )
        # The previous run's rows are dead, not gone: without a vacuum the next way's look-ups
        # by voucher id (the API's, not COPY's) walk every earlier run's index entries.
        await conn.execute("VACUUM (ANALYZE) ledger_entries, ledger_day_totals, ledgers, bills")
    finally:
        await conn.close()


def _write_books(folder: Path, vouchers: int) -> None:
    """The books, once, as files: NDJSON for the API and COPY, Tally XML for the import."""
    from shared.tools.tally_sample import (
        generated_books,
        tally_day_book,
        tally_masters,
        write_export,
    )

    ledgers, rows = generated_books(vouchers)
    for name, items in (("ledgers.ndjson", ledgers), ("vouchers.ndjson", rows)):
        with (folder / name).open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(item) + "\n" for item in items)
    names = {row["id"]: row["name"] for row in ledgers}
    write_export(folder / "Master.xml", "All Masters", tally_masters(ledgers), "utf-16")
    write_export(folder / "DayBook.xml", "Day Book", tally_day_book(rows, names), "utf-16")


def _ndjson_slices(path: Path, per_slice: int) -> Iterator[bytes]:
    """The file's lines, `per_slice` at a time, as request bodies (read as they are sent)."""
    with path.open("rb") as lines:
        while body := b"".join(itertools.islice(lines, per_slice)):
            yield body


async def _run_way(way: str, tenant_id: str, folder: Path) -> dict[str, Any]:
    from api_gateway.app import create_app

    from shared.domain.books.tally.importer import import_tally
    from shared.domain.books.vouchers import ENTRY_COLUMNS
    from shared.infra.entrypoint import freeze_start_up_heap
    from shared.infra.runtime import Infrastructure
    from shared.infra.settings import Settings
    from shared.infra.tokens import mint_service_token

    settings = Settings(app_env="development")
    dsn = settings.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    await _fresh_tenant(dsn, tenant_id)
    infra = await Infrastructure.connect(settings)
    token = mint_service_token(settings, service_id="bench", scopes=("books:write",))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(settings, infra=infra)),
        base_url="http://gateway",
        timeout=600,
    )
    freeze_start_up_heap()  # as the gateway and the export-service do once built
    base = f"/api/v1/tenants/{tenant_id}/books"
    lines = sum(len(json.loads(line)["lines"]) for line in (folder / "vouchers.ndjson").open("rb"))
    try:
        if way != "tally":  # the ledgers first (not timed); the import reads its own masters
            body = (folder / "ledgers.ndjson").read_bytes()
            synced = await client.post(f"{base}/ledgers", content=body, headers=headers)
            assert synced.status_code == 200 and not synced.json()["errors"], synced.text
        records = await _entry_records(dsn, tenant_id, folder) if way == "copy" else []
        started = time.perf_counter()
        if way == "api":
            for body in _ndjson_slices(folder / "vouchers.ndjson", REQUEST_VOUCHERS):
                answer = await client.post(f"{base}/vouchers", content=body, headers=headers)
                assert answer.status_code == 200 and not answer.json()["errors"], answer.text
        elif way == "tally":
            files = [folder / "Master.xml", folder / "DayBook.xml"]
            async with infra.uow() as uow:
                report = await import_tally(uow.session, tenant_id, files)
                await uow.commit()
            assert not report.vouchers.errors, report.as_dict()
        else:
            conn = await asyncpg.connect(dsn)
            try:
                await conn.copy_records_to_table(
                    "ledger_entries", records=records, columns=ENTRY_COLUMNS
                )
            finally:
                await conn.close()
        seconds = time.perf_counter() - started
    finally:
        await client.aclose()
        await infra.close()
    return {"way": way, "lines": lines, "seconds": seconds, "peak_mib": _peak_rss_mib()}


def _peak_rss_mib() -> float:
    """This process's own high-water mark (VmHWM): ru_maxrss would carry over the parent's,
    which held the generated books when it forked us."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024


async def _entry_records(dsn: str, tenant_id: str, folder: Path) -> list[tuple[Any, ...]]:
    """The vouchers' lines as COPY rows, each referencing its (synced) ledger's id; built
    before the clock starts, as the demo loader has its rows ready."""
    from decimal import Decimal

    conn = await asyncpg.connect(dsn)
    try:
        held = await conn.fetch(
            "SELECT external_id, id FROM ledgers WHERE tenant_id = $1", tenant_id
        )
    finally:
        await conn.close()
    ids = {row["external_id"]: row["id"] for row in held}
    records = []
    for row in map(json.loads, (folder / "vouchers.ndjson").open("rb")):
        day = date.fromisoformat(row["date"])
        for line in row["lines"]:
            debit, credit = Decimal(line.get("debit", "0")), Decimal(line.get("credit", "0"))
            records.append(
                (
                    tenant_id, row["id"], ids[line["ledger"]], day, row["type"], row["number"],
                    row["narration"], debit, credit,
                )
            )  # fmt: skip
    return records


def _child(way: str, folder: Path, tenant: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", way, "--folder", str(folder), "--tenant", tenant],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _section(vouchers: int, runs: dict[str, list[dict[str, Any]]], sizes: dict[str, int]) -> str:
    def rate(run: dict[str, Any]) -> float:
        return float(run["lines"]) / float(run["seconds"])

    copy_median = statistics.median(rate(r) for r in runs["copy"])
    lines = [
        SECTION,
        "",
        f"`bench/bench_books.py --vouchers {vouchers}` on {date.today().isoformat()}: "
        f"{os.cpu_count()} CPUs (shared, noisy), Python {platform.python_version()}; "
        f"{runs['copy'][0]['lines']:,} voucher lines (2-4 per voucher) into a fresh tenant, "
        f"each way {len(runs['copy'])} times in rotation, each run in its own process. The API "
        "runs in process (ASGI, no network), NDJSON in requests of "
        f"{REQUEST_VOUCHERS:,} vouchers read from a file as they are sent; the Tally import "
        "reads the same books from UTF-16 masters and Day Book files "
        f"({sizes['DayBook.xml'] / 2**20:.0f} MiB Day Book); COPY's rows are built before "
        "its clock starts. Peak RSS is the whole child process (the gateway or the importer "
        "with its database driver). Target: the API at least 0.5x COPY.",
        "",
        "| way | lines/s (median) | spread (min-max) | x COPY | peak RSS MiB |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for way in WAYS:
        rates = [rate(r) for r in runs[way]]
        median = statistics.median(rates)
        lines.append(
            f"| {way} | {median:,.0f} | {min(rates):,.0f}-{max(rates):,.0f} "
            f"| {median / copy_median:.2f} | {max(r['peak_mib'] for r in runs[way]):.0f} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--vouchers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tenant", default="bench-books")
    parser.add_argument("--child", choices=WAYS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(_run_way(args.child, args.tenant, args.folder))))
        return
    if not os.environ.get("DATABASE_URL"):
        parser.error("DATABASE_URL is required (postgresql+asyncpg://...)")
    runs: dict[str, list[dict[str, Any]]] = {way: [] for way in WAYS}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        _write_books(folder, args.vouchers)
        sizes = {f.name: f.stat().st_size for f in folder.iterdir()}
        print(f"books written: {sizes}")
        for attempt in range(args.repeat):
            _measure_round(attempt, folder, args.tenant, runs)
    record_section(SECTION, _section(args.vouchers, runs, sizes))


def _measure_round(
    attempt: int, folder: Path, tenant: str, runs: dict[str, list[dict[str, Any]]]
) -> None:
    for way in WAYS:
        run = _child(way, folder, tenant)
        runs[way].append(run)
        print(
            f"run {attempt + 1} {way}: {run['lines']:,} lines in {run['seconds']:.2f} s = "
            f"{run['lines'] / run['seconds']:,.0f} lines/s, peak {run['peak_mib']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
