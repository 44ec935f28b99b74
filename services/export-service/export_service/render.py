"""Render one export job: open the report's source, draw it in the job's format, store the file.

The report's definition (`shared.reports`) supplies everything report-specific: its parameters,
its rows and header, and, for CSV, PostgreSQL's own CSV when the report offers it.

Errors the requester can act on (an unknown ledger, a full disk) are `RenderError`s with a
plain reason, and fail the job at once; anything else is treated as transient and retried by
the bus. A file is either stored complete or not at all (see shared.infra.storage).
"""

from __future__ import annotations

import asyncio
import errno
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.domain.reports import ReportParamError, ReportSource, report_named
from shared.domain.reports.amounts import whole_number
from shared.domain.reports.labels import labels_for
from shared.domain.reports.opening import TenantGoneError, open_document
from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from shared.infra.storage import LocalStorage, StoredFile
from shared.states import ExportStatus

from .csv_writer import CsvReportWriter, copy_csv, tenant_byte_order_mark
from .document import TabularWriter
from .pdf import PdfReportWriter
from .xlsx import XlsxReportWriter

PROGRESS_INTERVAL_SECONDS = 1.0

WRITERS: dict[str, Callable[[], TabularWriter]] = {
    "csv": CsvReportWriter,
    "xlsx": XlsxReportWriter,
    "pdf": PdfReportWriter,
}


class RenderError(Exception):
    """A permanent failure with a reason fit for the requester's eyes."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RenderedFile:
    stored: StoredFile
    file_name: str
    row_count: int


class ProgressReporter:
    """Writes `progress` (rows so far) at most once per interval, from its own connection."""

    def __init__(
        self, engine: AsyncEngine, job_id: uuid.UUID, interval: float = PROGRESS_INTERVAL_SECONDS
    ):
        self._engine = engine
        self._job_id = job_id
        self._interval = interval
        self._last = time.monotonic()

    async def __call__(self, rows: int) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        self._last = now
        async with self._engine.begin() as conn:
            await conn.execute(
                update(ExportJob)
                .where(ExportJob.id == self._job_id, ExportJob.status == ExportStatus.RUNNING)
                .values(progress=rows)
            )


async def render_job(infra: Infrastructure, storage: LocalStorage, job: ExportJob) -> RenderedFile:
    try:
        return await _render(infra, storage, job)
    except ReportParamError as exc:
        raise RenderError(f"{exc.field}: {exc.message}") from exc
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise RenderError("there was not enough disk space to store the export") from exc
        raise


async def _render(infra: Infrastructure, storage: LocalStorage, job: ExportJob) -> RenderedFile:
    report = report_named(job.report)
    params = report.parse_params(job.params, infra.settings.export_max_period_days)
    if job.format not in WRITERS:
        raise ReportParamError("format", f"unknown format {job.format!r}")
    key = storage.key_for(job.tenant_id, job.id, job.format, job.created_at, job.attempts)
    progress = ProgressReporter(infra.engine, job.id)
    async with infra.engine.connect() as sa_conn:
        raw: Any = await sa_conn.get_raw_connection()
        conn = raw.driver_connection
        labels = labels_for(job.language)  # a statement to a Marathi party: Marathi labels
        try:
            source = await open_document(conn, report, job.tenant_id, params, labels)
        except TenantGoneError:
            raise RenderError("the tenant no longer exists") from None
        if job.format == "csv":
            stored, rows = await _render_csv(conn, job.tenant_id, source, storage, key, progress)
        else:
            _check_pdf_size(job.format, source.data_rows, infra.settings.export_pdf_max_rows)
            stored, rows = await _draw(source, WRITERS[job.format](), storage, key, progress)
    file_name = report.file_name(
        {**job.params, **source.file_params}, job.format, infra.settings.file_name_max_bytes
    )
    return RenderedFile(stored, file_name, rows)


async def _render_csv(
    conn: Any,
    tenant_id: str,
    source: ReportSource,
    storage: LocalStorage,
    key: str,
    progress: ProgressReporter,
) -> tuple[StoredFile, int]:
    """PostgreSQL's own CSV when the report offers it (`csv_copy`), else the CSV writer."""
    byte_order_mark = await tenant_byte_order_mark(conn, tenant_id)
    if source.csv_copy is None:
        return await _draw(source, CsvReportWriter(byte_order_mark), storage, key, progress)
    with storage.write_atomically(key) as out:
        columns = source.header.columns
        await copy_csv(conn, out, columns, source.csv_copy, progress, byte_order_mark)
    return storage.stored(key, out), source.data_rows


def _check_pdf_size(fmt: str, rows: int, limit: int) -> None:
    """A PDF is assembled in memory (about 35 MB per 100,000 rows) and nobody reads thousands
    of pages: past the limit, the requester is pointed to CSV or XLSX."""
    if fmt == "pdf" and rows > limit:
        raise RenderError(
            f"the PDF would have {whole_number(rows)} rows, above the {whole_number(limit)}-row "
            "limit for PDF; choose CSV or XLSX, or a shorter period"
        )


async def _draw(
    source: ReportSource,
    writer: TabularWriter,
    storage: LocalStorage,
    key: str,
    progress: ProgressReporter,
) -> tuple[StoredFile, int]:
    """Feed the source's batches to a synchronous writer in a worker thread."""
    with storage.write_file_atomically(key) as pending:
        await asyncio.to_thread(writer.begin, pending.path, source.header)
        written = 0
        try:
            async for batch in source.rows:
                await asyncio.to_thread(writer.write_rows, batch)
                written += len(batch)
                await progress(written)
        finally:
            await asyncio.to_thread(writer.finish)
    assert pending.stored is not None
    return pending.stored, source.data_rows
