"""The child side of bench_exports.py: one render, or one baseline, in a fresh interpreter.

`python bench/bench_exports.py --child MODE ...` runs `child()`, which prints one JSON line:
`seconds` (the timed part only), `cpu` (its CPU seconds, this process's and PostgreSQL's: see
`_cpu_clock.py`; not for `pdf-canvas`), `start_mb` and `peak_mb` (`ru_maxrss` before and after
it, in MB of 10^6 bytes), `bytes` (file size) and `rows`. A fresh process per measurement makes the
peak RSS that measurement's own: the real modes are an export worker rendering one job.

Real modes (`csv`, `xlsx`, `pdf`) claim the job as the handler does, time
`export_service.render.render_job` on it, then mark it succeeded. Baselines read the same
rows with the same query (`shared.domain.reports.ledger_source.LEDGER_ENTRIES`, same arguments) and
are timed as follows:

- `csv-copy`: asyncpg `copy_from_query(..., output=path, format="csv")`, nothing else.
- `csv-copy-cells`: the same over `LEDGER_ENTRIES_CSV`, the query the CSV fast path copies
  (text cells neutralised by PostgreSQL): what the neutralising expression alone costs.
- `xlsx-openpyxl`: an asyncpg cursor into openpyxl `write_only`, plain values (dates, Decimals
  as floats, strings); fetching is timed, as in the real path.
- `pdf-canvas`: the report's rows fetched, formatted and wrapped into the writer's own lines
  beforehand (untimed); timed is a bare reportlab canvas (pageCompression=1, the writer's
  fonts) drawing each cell line with drawString and calling showPage when a page is full
  (`bench/_pdf_bare.py`).
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
from _cpu_clock import CpuClock

from shared.domain.reports import LedgerParams
from shared.infra.db import asyncpg_dsn
from shared.infra.settings import Settings

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/ledgerpost"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
REAL_MODES = ("csv", "xlsx", "pdf")
BASELINES = {"csv": "csv-copy", "xlsx": "xlsx-openpyxl", "pdf": "pdf-canvas"}
# Measured besides a format's baseline, alternated with it: format -> {name: mode}.
VARIANTS = {"csv": {"COPY of the neutralised query": "csv-copy-cells"}}
MODES = (*REAL_MODES, *BASELINES.values(), *(m for v in VARIANTS.values() for m in v.values()))


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


async def _real(mode: str, job_id: uuid.UUID, export_dir: Path, prefix: str) -> dict[str, Any]:
    import export_service.bootstrap  # noqa: F401  (the worker's modules, as a worker holds them)
    from export_service.render import render_job

    from shared.domain import exports
    from shared.infra.runtime import Infrastructure
    from shared.infra.storage import LocalStorage

    settings = Settings(
        app_env="development",
        database_url=database_url(),
        redis_url=redis_url(),
        export_dir=export_dir,
        bus_stream_prefix=prefix,
        log_format="text",
    )
    infra = await Infrastructure.connect(settings)
    try:
        storage = LocalStorage(export_dir)
        async with infra.uow() as uow:
            lease = timedelta(seconds=settings.export_lease_seconds)
            job = await exports.claim_job(uow, job_id, lease, settings.export_max_attempts)
            await uow.commit()
        if job is None or job.format != mode:
            raise SystemExit(f"job {job_id} is not a claimable {mode} job")
        start_mb = _peak_mb()
        clock = CpuClock(asyncpg_dsn(database_url()))
        await clock.start()
        started = time.perf_counter()
        rendered = await render_job(infra, storage, job)
        seconds = time.perf_counter() - started
        cpu = await clock.stop()
        peak_mb = _peak_mb()
        async with infra.uow() as uow:
            await exports.mark_succeeded(
                uow,
                job,
                file_path=rendered.stored.key,
                file_name=rendered.file_name,
                file_size=rendered.stored.size,
                sha256=rendered.stored.sha256,
                row_count=rendered.row_count,
                ttl=timedelta(days=1),
            )
            await uow.commit()
        storage.delete(rendered.stored.key)
    finally:
        await infra.close()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "start_mb": start_mb,
        "peak_mb": peak_mb,
        "bytes": rendered.stored.size,
        "rows": rendered.row_count,
    }


async def _baseline(mode: str, params: LedgerParams, tenant: str, path: Path) -> dict[str, Any]:
    from shared.domain.reports.ledger_source import (
        LEDGER_ENTRIES,
        LEDGER_ENTRIES_CSV,
        canonical_ledger,
        ledger_figures,
    )

    copies = {"csv-copy": LEDGER_ENTRIES, "csv-copy-cells": LEDGER_ENTRIES_CSV}

    conn = await asyncpg.connect(asyncpg_dsn(database_url()))
    try:
        ledger = await canonical_ledger(conn, tenant, params.ledger)
        assert ledger is not None, params.ledger
        f = await ledger_figures(conn, ledger, params.from_date, params.to_date)
        args = (ledger.id, f.from_date, f.to_date, f.opening)
        if mode == "pdf-canvas":
            company = await conn.fetchval("SELECT name FROM tenants WHERE id = $1", tenant)
            return await _pdf_canvas(conn, company, f, path)
        start_mb = _peak_mb()
        clock = CpuClock(asyncpg_dsn(database_url()))
        await clock.start()
        started = time.perf_counter()
        if mode in copies:
            await conn.copy_from_query(copies[mode], *args, output=str(path), format="csv")
        else:
            await _xlsx_openpyxl(conn, LEDGER_ENTRIES, args, path)
        seconds = time.perf_counter() - started
        cpu = await clock.stop()
    finally:
        await conn.close()
    return {
        "seconds": seconds,
        "cpu": cpu,
        "start_mb": start_mb,
        "peak_mb": _peak_mb(),
        "rows": f.entries,
    }


async def _xlsx_openpyxl(conn: Any, query: str, args: tuple[Any, ...], path: Path) -> int:
    from openpyxl import Workbook

    from shared.domain.reports.ledger_source import BATCH_ROWS, LEDGER_COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sheet 1")
    sheet.append([column.title for column in LEDGER_COLUMNS])
    rows = 0
    async with conn.transaction():
        async for day, vtype, vno, narration, debit, credit, balance in conn.cursor(
            query, *args, prefetch=BATCH_ROWS
        ):
            sheet.append([day, vtype, vno, narration, float(debit), float(credit), float(balance)])
            rows += 1
    book.save(str(path))
    return rows


async def _pdf_canvas(conn: Any, company: str, figures: Any, path: Path) -> dict[str, Any]:
    import _pdf_bare
    from export_service.pdf_layout import TableLayout

    from shared.domain.reports.ledger_source import ledger_source

    source = ledger_source(conn, company, figures, {})
    layout = TableLayout(source.header, 8.0)
    prepared = [_pdf_bare.prepare(layout, batch) async for batch in source.rows]
    start_mb = _peak_mb()
    started = time.perf_counter()
    pages = _pdf_bare.draw(path, layout, prepared)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "start_mb": start_mb,
        "peak_mb": _peak_mb(),
        "rows": figures.entries,
        "pages": pages,
    }


def child(args: Any) -> None:
    """Run one measurement as the command line says and print its JSON line."""
    export_dir = Path(args.export_dir)
    if args.child in REAL_MODES:
        result = asyncio.run(_real(args.child, uuid.UUID(args.job), export_dir, args.prefix))
    else:
        params = LedgerParams(
            ledger=args.ledger,
            from_date=date.fromisoformat(args.from_date),
            to_date=date.fromisoformat(args.to_date),
        )
        extension = args.child.split("-")[0]
        path = export_dir / f"baseline-{uuid.uuid4().hex}.{extension}"
        try:
            result = asyncio.run(_baseline(args.child, params, args.tenant, path))
            result["bytes"] = path.stat().st_size
        finally:
            path.unlink(missing_ok=True)
    print(json.dumps(result), flush=True)
