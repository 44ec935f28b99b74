"""Export benchmarks: each format's real render against a baseline, and the pipeline end to end.

Against the migrated database named by DATABASE_URL (and REDIS_URL), in a scratch tenant that
is deleted at the end with its jobs and every Redis key of the bench's stream prefixes:

1. CSV, a 1,000,000-entry ledger: `render_job` vs a bare `COPY (the same query) TO` file.
2. XLSX, the same ledger: `render_job` vs openpyxl `write_only`; the worker's peak RSS.
3. PDF, a 100,000-entry ledger: `render_job` vs a bare reportlab canvas loop; peak RSS.
4. End to end: 200 CSV jobs of a 100-entry ledger, POST -> `succeeded`, through the gateway,
   two export-service processes, the mail and scheduler services started as processes, on a
   scratch database of their own (why: see `_exports_e2e.py`).

Every render runs in a fresh process (see `_exports_render.py`); the best of `--runs` runs of
each side is compared. Ledgers are loaded with `shared.tools.demo.load_single_ledger`. Prints a
table with each target and PASS/MISS and replaces the "## Exports" section of bench/RESULTS.md
(a run of some parts, `--only csv`, its own "## Exports: csv only" section; `--quick`: smaller
sizes, printed only). CSV is also compared with a COPY of the neutralised query alone, and
every side's runs with the baseline's run of the same round (the spread).

    .venv/bin/python bench/bench_exports.py [--quick] [--runs 3] [--no-record]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
from _exports_e2e import WARM_UP_JOBS, new_prefix, run_end_to_end
from _exports_render import BASELINES, MODES, REAL_MODES, VARIANTS, child, database_url, redis_url
from _exports_report import (
    Figure,
    cpu_figures,
    machine,
    print_table,
    record,
    run_lines,
    section,
    section_heading,
    today,
)
from redis.asyncio import Redis

from shared.domain import exports
from shared.infra.db import UnitOfWork, asyncpg_dsn, create_engine, create_session_factory
from shared.tools.demo import books_start, load_single_ledger

AS_OF = date(2025, 11, 15)  # fixed, so every run loads the same ledgers
LEDGERS = {  # format -> ledger name; "e2e" is the end-to-end ledger
    "csv": "Agarwal Distributors",
    "xlsx": "Agarwal Distributors",
    "pdf": "Gupta & Sons",
    "e2e": "Sri Lakshmi Textiles - Pune",
}
TARGETS = {"csv": "<= 1.1", "xlsx": ">= 1.4", "pdf": "<= 1.3"}
RSS_TARGETS = {"xlsx": "<= 150", "pdf": "<= 200"}
BASELINE_NAMES = {"csv": "bare COPY to file", "xlsx": "openpyxl write_only", "pdf": "bare canvas"}


class Bench:
    def __init__(self, args: argparse.Namespace, root: Path) -> None:
        self.args = args
        self.url = database_url()
        self.dsn = asyncpg_dsn(self.url)
        self.tenant = f"bench-exports-{uuid.uuid4().hex[:8]}"
        self.prefix = new_prefix("render")
        self.e2e_prefix = new_prefix("e2e")
        self.root = root
        self.export_dir = root / "exports"
        self.export_dir.mkdir()
        self.sizes = {"csv": args.big_rows, "xlsx": args.big_rows, "pdf": args.pdf_rows,
                      "e2e": args.e2e_rows}  # fmt: skip
        self.params = {"from_date": books_start(AS_OF).isoformat(), "to_date": AS_OF.isoformat()}
        self.notes: list[str] = []

    async def setup(self, parts: list[str]) -> str:
        conn = await asyncpg.connect(self.dsn)
        try:
            server: str = (await conn.fetchval("SHOW server_version")).split()[0]
        finally:
            await conn.close()
        readers = {"csv": {"csv", "xlsx"}, "pdf": {"pdf"}}  # e2e loads its own database
        for kind in [kind for kind, parts_reading in readers.items() if parts_reading & {*parts}]:
            started = time.perf_counter()
            count = await load_single_ledger(
                self.dsn, tenant_id=self.tenant, ledger_name=LEDGERS[kind],
                entries=self.sizes[kind], as_of=AS_OF,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            print(f"loaded {LEDGERS[kind]!r}: {count:,} entries in {seconds:.1f} s", flush=True)
            self.notes.append(f"- `load_single_ledger`: {count:,} entries in {seconds:.1f} s.")
        return server

    def warn(self, text: str) -> None:
        print(f"WARNING: {text}", flush=True)
        self.notes.append(f"- Warning: {text}")

    async def new_job(self, fmt: str) -> str:
        engine = create_engine(self.url, 1)
        try:
            new = exports.NewExport(
                tenant_id=self.tenant, requested_by="bench-exports", report="ledger",
                format=fmt, params={"ledger": LEDGERS[fmt], **self.params},
            )  # fmt: skip
            async with UnitOfWork(create_session_factory(engine), self.prefix) as uow:
                job, _ = await exports.create_export_job(uow, new)
                await uow.commit()
        finally:
            await engine.dispose()
        await self.drop_outbox()  # nobody consumes the bench's announcements: no need to relay
        return str(job.id)

    async def drop_outbox(self) -> None:
        conn = await asyncpg.connect(self.dsn)
        try:
            await conn.execute(
                "DELETE FROM outbox WHERE left(stream, length($1)) = $1", self.prefix
            )
        finally:
            await conn.close()

    def measure(self, mode: str) -> dict[str, Any]:
        fmt = mode.split("-")[0]
        cmd = [sys.executable, __file__, "--child", mode, "--export-dir", str(self.export_dir),
               "--prefix", self.prefix]  # fmt: skip
        if mode in REAL_MODES:
            cmd += ["--job", asyncio.run(self.new_job(fmt))]
        else:
            dates = ["--from-date", self.params["from_date"], "--to-date", self.params["to_date"]]
            cmd += ["--tenant", self.tenant, "--ledger", LEDGERS[fmt], *dates]
        env = {**os.environ, "DATABASE_URL": self.url, "REDIS_URL": redis_url()}
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if out.returncode != 0:
            raise RuntimeError(f"{mode} run failed ({out.returncode}):\n{out.stderr[-3000:]}")
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"  {mode:<14} {result['seconds']:8.2f} s  CPU {result.get('cpu') or 0:6.2f} s  "
            f"peak RSS {result['peak_mb']:5.0f} MB "
            f"(at start {result['start_mb']:3.0f})  {result['bytes'] / 1e6:7.1f} MB file",
            flush=True,
        )
        return result

    def compare(self, fmt: str, figures: list[Figure], runs: list[str]) -> None:
        rows = self.sizes[fmt]
        print(f"{fmt.upper()}, {rows:,} entries, {self.args.runs} runs each:", flush=True)
        modes = {"render_job": fmt, BASELINE_NAMES[fmt]: BASELINES[fmt], **VARIANTS.get(fmt, {})}
        sides: dict[str, list[dict[str, Any]]] = {name: [] for name in modes}
        for _ in range(self.args.runs):  # alternated, so drift in the machine hits every side
            for name, results in sides.items():
                results.append(self.measure(modes[name]))
        ours, theirs = sides["render_job"], sides[BASELINE_NAMES[fmt]]
        best, base = min(r["seconds"] for r in ours), min(r["seconds"] for r in theirs)
        label = f"{fmt.upper()} {rows:,}"
        for name, results in sides.items():
            fastest = min(r["seconds"] for r in results)
            figures.append(Figure(f"{label}: {name} (best)", fastest, "s"))
        if fmt == "xlsx":
            figures.append(
                Figure(f"{label}: speed-up over openpyxl", base / best, "x", TARGETS[fmt])
            )
        else:
            figures.append(Figure(f"{label}: render / baseline", best / base, "x", TARGETS[fmt]))
        figures += cpu_figures(label, sides, BASELINE_NAMES[fmt])
        if fmt in RSS_TARGETS:
            peak = max(r["peak_mb"] for r in ours)
            figures.append(Figure(f"{label}: worker peak RSS", peak, "MB", RSS_TARGETS[fmt]))
        runs += run_lines(label, sides, BASELINE_NAMES[fmt])

    def end_to_end(self, figures: list[Figure], runs: list[str]) -> None:
        a = self.args
        print(f"end to end: {a.jobs} jobs in waves of {a.wave}, {a.export_workers} export workers")
        e2e = run_end_to_end(
            self.url, redis_url(), self.root, ledger=LEDGERS["e2e"], entries=self.sizes["e2e"],
            params=self.params, prefix=self.e2e_prefix, jobs=a.jobs, wave=a.wave,
            export_workers=a.export_workers, poll_ms=a.poll_ms,
        )  # fmt: skip
        label = f"E2E {a.jobs} CSV jobs"
        figures.append(Figure(f"{label}: median POST -> succeeded", e2e.median_s * 1000, "ms"))
        figures.append(Figure(f"{label}: p95 POST -> succeeded", e2e.p95_s * 1000, "ms"))
        figures.append(Figure(f"{label}: throughput", e2e.jobs_per_second, "jobs/s"))
        runs.append(
            f"- {label} ({self.sizes['e2e']} entries each), waves of {a.wave}, polled every "
            f"{a.poll_ms} ms, {a.export_workers} export workers, scratch database: "
            f"{e2e.seconds:.2f} s in all, slowest {e2e.max_s * 1000:.0f} ms; medians from the "
            f"job rows: created -> claimed {e2e.queued_s * 1000:.0f} ms, claimed -> succeeded "
            f"{e2e.render_s * 1000:.0f} ms; jobs per export worker (incl. {WARM_UP_JOBS} "
            f"warm-up) {e2e.per_worker}; exit codes after SIGTERM {e2e.exit_codes}"
        )
        if any(code != 0 for code in e2e.exit_codes.values()):
            self.warn(f"a service did not stop cleanly on SIGTERM: {e2e.exit_codes}")

    async def cleanup(self) -> None:
        await self.drop_outbox()
        conn = await asyncpg.connect(self.dsn)
        try:
            async with conn.transaction():
                for table in ("export_jobs", "ledger_entries", "bills", "ledgers"):
                    await conn.execute(f"DELETE FROM {table} WHERE tenant_id = $1", self.tenant)
                await conn.execute("DELETE FROM tenants WHERE id = $1", self.tenant)
        finally:
            await conn.close()
        redis = Redis.from_url(redis_url())
        try:
            for prefix in (self.prefix, self.e2e_prefix):
                keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=1000)]
                if keys:
                    await redis.delete(*keys)
        finally:
            await redis.aclose()


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes; print only")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (best is kept)")
    parser.add_argument("--big-rows", type=int, help="CSV/XLSX ledger (default 1,000,000)")
    parser.add_argument("--pdf-rows", type=int, help="PDF ledger (default 100,000)")
    parser.add_argument("--e2e-rows", type=int, default=100)
    parser.add_argument("--jobs", type=int, help="end-to-end jobs (default 200)")
    parser.add_argument("--wave", type=int, default=20, help="jobs submitted at once")
    parser.add_argument("--export-workers", type=int, default=2)
    parser.add_argument("--poll-ms", type=int, default=50, help="job status poll interval")
    parser.add_argument("--only", default="csv,xlsx,pdf,e2e", help="comma-separated parts")
    parser.add_argument("--no-record", action="store_true", help="do not write RESULTS.md")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    for hidden in ("--job", "--export-dir", "--prefix", "--tenant", "--ledger", "--from-date",
                   "--to-date"):  # fmt: skip
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args()
    quick = args.quick
    args.big_rows = args.big_rows or (100_000 if quick else 1_000_000)
    args.pdf_rows = args.pdf_rows or (10_000 if quick else 100_000)
    args.jobs = args.jobs or (40 if quick else 200)
    return args


def main() -> None:
    args = _parse()
    if args.child:
        child(args)
        return
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    figures: list[Figure] = []
    runs: list[str] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        bench = Bench(args, Path(tmp))
        try:
            server = asyncio.run(bench.setup(parts))
            for fmt in ("csv", "xlsx", "pdf"):
                if fmt in parts:
                    bench.compare(fmt, figures, runs)
            if "e2e" in parts:
                bench.end_to_end(figures, runs)
        finally:
            asyncio.run(bench.cleanup())
    loads = [f"{a:.1f}/{b:.1f}/{c:.1f}" for a, b, c in (load_before, os.getloadavg())]
    bench.notes.append(
        f"- Load average (1/5/15 min) at the start {loads[0]}, at the end {loads[1]}: other "
        "work on the machine shares its CPUs with the figures above."
    )
    print_table(figures)
    print("", *runs, *bench.notes, sep="\n")
    if args.quick or args.no_record:
        return
    setup = [
        f"`bench/bench_exports.py` on {today()}: {machine(server)}. Scratch tenant, ledgers "
        "loaded with `shared.tools.demo.load_single_ledger` "
        f"(period {bench.params['from_date']} to "
        f"{bench.params['to_date']}). Each render is a fresh process; best of {args.runs} runs "
        "per side, the two sides alternated. Baselines read the same query "
        "(`shared.domain.reports.ledger_source.LEDGER_ENTRIES`, same arguments); the CSV baseline "
        "times only the COPY, the "
        "PDF baseline only the drawing (rows fetched and formatted beforehand), the openpyxl "
        "baseline fetches and writes (as the render does). Peak RSS: `ru_maxrss` of the "
        "rendering process (1 MB = 10^6 bytes), interpreter and the worker's modules included.",
    ]
    record(section(section_heading(parts), figures, setup, runs, bench.notes))


if __name__ == "__main__":
    main()
