"""The statement preview use case: a report's PDF on screen, one page of rows at a time.

The parameters are checked exactly as an export's are (the report's definition: its fields,
its period rules and limits, names resolved against the books); the document is opened as the
export-service opens it (`shared.domain.reports.opening`: letterhead, the tenant's time) and
walked by `shared.domain.reports.preview`, so every word and number is the PDF's.

The cursor is opaque to clients: the position of the next page's first body row and how many
body rows the report had. A report whose body changed length between two pages answers 409
`report_changed` rather than skipping or repeating rows.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg

from api_gateway.exports.use_cases import params_context
from api_gateway.http.problems import ProblemError, field_error, refusal_problem
from api_gateway.reports.preview_schemas import (
    PreviewBlock,
    PreviewColumn,
    PreviewRow,
    ReportPreviewPublic,
)
from shared.domain.local_time import stamp
from shared.domain.report_emails import recipient_language
from shared.domain.reports import AnyReport, ReportParamError
from shared.domain.reports.amounts import whole_number
from shared.domain.reports.document import Letterhead
from shared.domain.reports.labels import labels_for
from shared.domain.reports.opening import TenantGoneError, open_document
from shared.domain.reports.preview import PreviewPage, preview_page
from shared.infra.db import UnitOfWork
from shared.infra.settings import Settings
from shared.infra.tokens import Principal
from shared.languages import Language

# Base64url of "p1.<start>.<body rows>"; the pattern is the query parameter's.
CURSOR_PATTERN = r"^[A-Za-z0-9_-]{4,64}$"
_CURSOR_TEXT = re.compile(r"^p1\.([0-9]{1,9})\.([0-9]{1,9})$")


@dataclass(frozen=True)
class PreviewCursor:
    start: int
    body_rows: int

    def encode(self) -> str:
        text = f"p1.{self.start}.{self.body_rows}".encode()
        return base64.urlsafe_b64encode(text).decode().rstrip("=")

    @classmethod
    def decode(cls, cursor: str) -> PreviewCursor:
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        except (binascii.Error, UnicodeDecodeError):
            text = ""
        match = _CURSOR_TEXT.match(text)
        if match is None:
            raise field_error("cursor", "not a cursor this preview gave out", code="invalid_cursor")
        return cls(int(match[1]), int(match[2]))


async def preview_report(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    definition: AnyReport,
    raw_params: dict[str, Any],
    *,
    language: Language | None = None,
    cursor: str | None = None,
) -> ReportPreviewPublic:
    position = PreviewCursor.decode(cursor) if cursor else None
    try:
        params = await definition.request_params(
            raw_params, params_context(uow, settings, principal)
        )
    except ReportParamError as exc:
        raise refusal_problem(exc) from None
    if language is None:  # as an export's: the party's, else the tenant's default
        language = await recipient_language(
            uow.session, principal.tenant_id, definition, params.model_dump()
        )
    start = position.start if position else 0
    async with _driver_connection(uow) as conn:
        try:
            source = await open_document(
                conn, definition, principal.tenant_id, params, labels_for(language)
            )
        except TenantGoneError:
            raise ProblemError(404, "no such tenant") from None
        except ReportParamError as exc:  # the tenant's settings refuse it (ageing buckets)
            raise field_error(exc.field, exc.message, 409, code="tenant_settings") from None
        _check_size(source.data_rows, settings.export_pdf_max_rows)
        page = await preview_page(source, start, settings.report_preview_page_rows)
    if position is not None and position.body_rows != page.body_rows:
        raise ProblemError(
            409,
            "the report changed since its first page was read: load the preview again",
            code="report_changed",
        )
    return _public(definition.name, language, page)


def _check_size(rows: int, limit: int) -> None:
    """The preview is the PDF's, and stops where the PDF does (EXPORT_PDF_MAX_ROWS); past it,
    every page would read hundreds of thousands of rows for a document nobody can print."""
    if rows > limit:
        raise ProblemError(
            409,
            f"the report has {whole_number(rows)} rows, above the {whole_number(limit)}-row "
            "limit for PDF and its preview; choose a shorter period, or export CSV or XLSX",
            code="too_many_rows",
        )


@asynccontextmanager
async def _driver_connection(uow: UnitOfWork) -> AsyncIterator[Any]:
    """The request's own database connection as asyncpg's, which report sources read through
    (server-side cursors). A connection that fails under it is invalidated, so the pool never
    hands it out again, and the failure answers 503 like any lost connection."""
    connection = await uow.session.connection()
    raw: Any = await connection.get_raw_connection()
    try:
        yield raw.driver_connection
    except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError) as exc:
        await connection.invalidate(exc)
        raise ConnectionError("the database connection failed during the preview") from exc


def _public(report: str, language: Language, page: PreviewPage) -> ReportPreviewPublic:
    h = page.header
    kinds = tuple(column.kind for column in h.columns)
    next_cursor = (
        PreviewCursor(page.next_start, page.body_rows).encode()
        if page.next_start is not None
        else None
    )
    return ReportPreviewPublic(
        report=report,
        language=language,
        company=PreviewBlock.of(h.letterhead or Letterhead(h.company), h.labels),
        party=PreviewBlock.of(h.party, h.labels) if h.party else None,
        title=h.title,
        lines=list(h.lines),
        generated_at=h.generated_at,
        generated=h.labels.generated.format(when=stamp(h.generated_at)),
        columns=[PreviewColumn(heading=c.heading, kind=c.kind, width=c.width) for c in h.columns],
        opening=[PreviewRow.of(kinds, row, h.labels) for row in page.opening],
        rows=[PreviewRow.of(kinds, row, h.labels) for row in page.rows],
        closing=[PreviewRow.of(kinds, row, h.labels) for row in page.closing],
        body_rows=page.body_rows,
        start=page.start,
        next_cursor=next_cursor,
        footer=f"{h.company} \u2014 {h.title}",
        page_of=h.labels.page_of,
    )
