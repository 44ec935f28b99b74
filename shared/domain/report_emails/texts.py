"""A report email's texts: its language, its template, and the values that fill it.

The gateway (a manual send) and the scheduler (a run's email) write the subject in full and
the body with every value but `{link_expiry}`, which only the mail-service knows (it makes the
link, in the tenant's timezone): the email row keeps the body as a template with that one
placeholder left (`templates.render` with `keep`), and `finished_body` completes it.

A ledger statement is written in its party's language (the party directory entry's); an
internal report, and a party without an entry, in the tenant's default language, unless the
request names one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain import tenants
from shared.domain.local_time import local_stamp
from shared.domain.party_directory import entry_for_ledger
from shared.domain.report_emails.store import (
    BODY_ONLY,
    CONFIRMATION_REQUEST,
    LINK_EXPIRY,
    StoredTemplate,
    tenant_template,
)
from shared.domain.report_emails.templates import as_template, placeholders_in, render
from shared.domain.reports import AnyReport
from shared.domain.reports.labels import labels_for
from shared.infra.db.driver_queries import SessionQueries
from shared.languages import Language

SUBJECT_MAX = 998  # the subject column; a template full of long names is cut, not refused


@dataclass(frozen=True)
class ReportEmailTexts:
    subject: str  # final
    body: str  # a template: `{link_expiry}` left for the mail-service, braces doubled
    language: Language


async def recipient_language(
    session: AsyncSession, tenant_id: str, definition: AnyReport, params: Mapping[str, Any]
) -> Language:
    """The language of a report's document and email when the request names none: for a
    statement, its party's (the directory entry's); otherwise (an internal report, a party
    without an entry) the tenant's default language."""
    directory_param = definition.recipients.directory_param
    if directory_param is not None:
        ledger = str(params.get(directory_param, ""))
        entry = await entry_for_ledger(session, tenant_id, ledger)
        if entry is not None:
            return Language(entry.language)
    return await tenants.default_language(session, tenant_id)


async def report_email_texts(
    session: AsyncSession,
    tenant_id: str,
    definition: AnyReport,
    params: Any,
    language: Language,
    *,
    subject: str | None = None,
    message: str | None = None,
    values: Mapping[str, str] | None = None,
    confirmation_request: str | None = None,
    template: StoredTemplate | None = None,
) -> ReportEmailTexts:
    """The texts of one email of `definition` with `params`: the typed `subject` and
    `message` as typed, the tenant's template (or the default) for what is not typed.
    `values`: the placeholders' values when the caller has them already (a statement run
    reads every ledger's figures anyway), else read from the books here.

    `confirmation_request`: the paragraph asking the party to confirm its balance (with its
    link). It fills `{confirmation_request}`; a typed message, or a template of the tenant's
    without that placeholder, gets it at its end, so the request always reaches the party.

    `template`: the tenant's template for the report and language when the caller has it (a
    statement run writes a thousand emails from a few; reading it each time would also flush
    the run's pending rows before every read)."""
    if template is None:
        template = await tenant_template(session, tenant_id, definition.name, language)
    if values is None:
        values = {}
        if not subject or not message:
            values = await email_values(session, tenant_id, definition, params, language)
    if confirmation_request:
        values = {**values, CONFIRMATION_REQUEST: confirmation_request}
    written_subject = subject or render(template.subject, values)
    if len(written_subject) > SUBJECT_MAX:
        written_subject = written_subject[: SUBJECT_MAX - 1] + "\u2026"
    body = as_template(message) if message else render(template.body, values, keep=BODY_ONLY)
    placed = not message and CONFIRMATION_REQUEST in placeholders_in(template.body)
    if confirmation_request and not placed:
        body = body.rstrip("\n") + as_template(confirmation_request)
    return ReportEmailTexts(written_subject, body, language)


async def email_values(
    session: AsyncSession, tenant_id: str, definition: AnyReport, params: Any, language: Language
) -> dict[str, str]:
    """The values of the report's placeholders (but `{link_expiry}`) for `params`, read from
    the books in the session's transaction, in the words of `language`."""
    company = await tenants.company_name(session, tenant_id)
    queries = SessionQueries(session)
    return await definition.email_values(queries, tenant_id, company, params, labels_for(language))


def link_expiry_text(expires_at: datetime, timezone: str) -> str:
    """When a link stops working, in the tenant's time with its abbreviation:
    `12-12-2026 18:30 IST`."""
    return local_stamp(expires_at, timezone)


def finished_body(body: str, language: Language, link_expiry: str | None) -> str:
    """A report email's stored body with `{link_expiry}` filled: the link's expiry, or the
    language's "not applicable" when the report is attached."""
    expiry = link_expiry if link_expiry is not None else labels_for(language).attached
    return render(body, {LINK_EXPIRY: expiry})
