"""The statement preview: a report on screen, in the PDF's words and numbers, before any export.

The same rules as an export of the report (auth, tenant, parameters, limits, the language of
its fixed words: the request's, else a statement's party's, else the tenant's default); the
outstanding preview is internal like its report: the tenant's own users, no party's language.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api_gateway.http.deps import CurrentUser, SettingsDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.http.text_query import NO_NUL, text_query
from api_gateway.reports.preview import CURSOR_PATTERN, preview_report
from api_gateway.reports.preview_schemas import ReportPreviewPublic
from shared.domain.reports import report_named
from shared.languages import Language

router = APIRouter(prefix="/reports", tags=["report preview"])

LanguageQuery = Annotated[
    Language | None,
    Query(
        description="The language of the document's fixed words, as an export's `language`: "
        "omit for a statement's party's (its directory entry's), else the tenant's default."
    ),
]
PreviewCursorQuery = Annotated[
    str | None,
    Query(pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page."),
]


@router.get("/ledger/preview", responses=problems(404, 409))
async def preview_ledger(
    user: CurrentUser,
    uow: UowDep,
    settings: SettingsDep,
    ledger: Annotated[str, text_query(200, min_length=1), NO_NUL],
    from_date: date,
    to_date: date,
    language: Annotated[
        Language | None,
        Query(
            description="The statement's language; omit for the party's (its directory entry's)."
        ),
    ] = None,
    cursor: PreviewCursorQuery = None,
) -> ReportPreviewPublic:
    """A ledger statement on screen: header, opening balance, a page of entries, totals."""
    params = {"ledger": ledger, "from_date": from_date.isoformat(), "to_date": to_date.isoformat()}
    return await preview_report(
        uow, settings, user, report_named("ledger"), params, language=language, cursor=cursor
    )


@router.get("/outstanding/preview", responses=problems(409))
async def preview_outstanding(
    user: CurrentUser,
    uow: UowDep,
    settings: SettingsDep,
    kind: Literal["receivable", "payable"],
    as_of: Annotated[date | None, Query(description="Omit for today in the tenant's zone.")] = None,
    language: LanguageQuery = None,
    cursor: PreviewCursorQuery = None,
) -> ReportPreviewPublic:
    """The outstanding report on screen (internal): bills by party, subtotals, ageing totals."""
    params = {"kind": kind, "as_of": as_of.isoformat() if as_of else None}
    return await preview_report(
        uow, settings, user, report_named("outstanding"), params, language=language, cursor=cursor
    )
