"""Dispatch a job to its renderer and store the file atomically."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shared.db.models import ExportJob
from shared.reports import LedgerParams, ReportParamError, download_name, validate_params
from shared.runtime import Infrastructure
from shared.storage import LocalStorage, StoredFile

from .ledger_csv import render_ledger_csv


@dataclass(frozen=True)
class RenderedFile:
    stored: StoredFile
    file_name: str
    row_count: int


async def render_job(infra: Infrastructure, storage: LocalStorage, job: ExportJob) -> RenderedFile:
    params = validate_params(job.report, job.params, infra.settings.export_max_period_days)
    if job.report != "ledger" or job.format != "csv" or not isinstance(params, LedgerParams):
        raise ReportParamError("format", f"{job.report} as {job.format} is not supported")
    key = storage.key_for(job.tenant_id, job.id, job.format, job.created_at)
    async with infra.engine.connect() as sa_conn:
        raw: Any = await sa_conn.get_raw_connection()
        conn = raw.driver_connection
        ledger = await conn.fetchval(
            "SELECT name FROM ledgers WHERE tenant_id = $1 AND lower(name) = lower($2)",
            job.tenant_id,
            params.ledger,
        )
        if ledger is None:
            raise ReportParamError("ledger", f"unknown ledger {params.ledger!r}")
        with storage.write_atomically(key) as out:
            result = await render_ledger_csv(
                conn,
                out,
                tenant_id=job.tenant_id,
                ledger=ledger,
                from_date=params.from_date,
                to_date=params.to_date,
            )
        stored = storage.stored(key, out)
    name = download_name(job.report, {**job.params, "ledger": ledger}, job.format)
    return RenderedFile(stored=stored, file_name=name, row_count=result.row_count)
