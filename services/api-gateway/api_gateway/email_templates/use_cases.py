"""Reading, saving, resetting and previewing a tenant's report email templates.

Saved and previewed texts pass the same checks (`report_emails.check_texts`): an unknown
placeholder, a malformed brace, a line break in the subject or a text past its length setting
is a 422 naming the field, with a stable code. Only admins reach these (the routes' `AdminUser`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api_gateway.email_templates.schemas import (
    PlaceholdersPublic,
    TemplateCollection,
    TemplatePreview,
    TemplatePreviewRequest,
    TemplatePublic,
    TemplateWrite,
)
from api_gateway.exports.use_cases import params_context
from api_gateway.http.problems import ProblemError, field_error
from api_gateway.http.tenancy import tenant_timezone
from shared.domain import report_emails, tenants
from shared.domain.report_emails import LINK_EXPIRY, TemplateLimits, TemplateProblem
from shared.domain.reports import REGISTRY, AnyReport, ReportParamError
from shared.domain.reports.labels import labels_for
from shared.infra.db import UnitOfWork
from shared.infra.settings import Settings
from shared.infra.tokens import Principal
from shared.languages import Language


def _target(report: str, language: str) -> tuple[AnyReport, Language]:
    """The report and language a path names; 404 for either unknown."""
    definition = REGISTRY.get(report)
    if definition is None:
        raise ProblemError(404, f"no report named {report!r}; known: {', '.join(REGISTRY)}")
    try:
        return definition, Language(language)
    except ValueError:
        known = ", ".join(language.value for language in Language)
        raise ProblemError(404, f"no language {language!r}; known: {known}") from None


def _placeholders(definition: AnyReport) -> PlaceholdersPublic:
    return PlaceholdersPublic(
        subject=list(report_emails.subject_placeholders(definition)),
        body=list(definition.email_placeholders),
    )


def _checked(definition: AnyReport, subject: str, body: str, settings: Settings) -> None:
    limits = TemplateLimits(
        settings.email_template_subject_max_chars, settings.email_template_body_max_chars
    )
    problems = report_emails.check_texts(definition, subject, body, limits)
    if problems:
        raise _refusal(problems)


def _refusal(problems: list[TemplateProblem]) -> ProblemError:
    errors = [{"field": p.field, "message": p.message, "code": p.code} for p in problems]
    return ProblemError(
        422,
        "; ".join(f"{p.field}: {p.message}" for p in problems),
        errors=errors,
        code=problems[0].code,
    )


async def read_template(
    uow: UnitOfWork, admin: Principal, report: str, language: str
) -> TemplatePublic:
    definition, lang = _target(report, language)
    stored = await report_emails.tenant_template(uow.session, admin.tenant_id, report, lang)
    return TemplatePublic.from_stored(stored, _placeholders(definition))


async def list_templates(uow: UnitOfWork, admin: Principal) -> TemplateCollection:
    return TemplateCollection(
        items=[
            await read_template(uow, admin, report, language)
            for report in REGISTRY
            for language in Language
        ]
    )


async def replace_template(
    uow: UnitOfWork,
    settings: Settings,
    admin: Principal,
    report: str,
    language: str,
    body: TemplateWrite,
) -> TemplatePublic:
    definition, lang = _target(report, language)
    _checked(definition, body.subject, body.body, settings)
    await report_emails.save_template(
        uow.session, admin.tenant_id, report, lang, body.subject, body.body, admin.user_id
    )
    await uow.commit()
    return await read_template(uow, admin, report, language)


async def reset_to_default(uow: UnitOfWork, admin: Principal, report: str, language: str) -> None:
    _, lang = _target(report, language)
    await report_emails.reset_template(uow.session, admin.tenant_id, report, lang)
    await uow.commit()


async def preview_template(
    uow: UnitOfWork,
    settings: Settings,
    admin: Principal,
    report: str,
    language: str,
    request: TemplatePreviewRequest,
) -> TemplatePreview:
    definition, lang = _target(report, language)
    stored = await report_emails.tenant_template(uow.session, admin.tenant_id, report, lang)
    subject = stored.subject if request.subject is None else request.subject
    body = stored.body if request.body is None else request.body
    _checked(definition, subject, body, settings)
    if request.params is not None:
        try:
            params = await definition.request_params(
                request.params, params_context(uow, settings, admin)
            )
        except ReportParamError as exc:
            raise field_error(f"params.{exc.field}", exc.message) from None
        values = await report_emails.email_values(
            uow.session, admin.tenant_id, definition, params, lang
        )
    else:
        company = await tenants.company_name(uow.session, admin.tenant_id)
        values = definition.sample_email_values(company, labels_for(lang))
    # A link made now: it would last as long as the file is kept.
    expires = datetime.now(UTC) + timedelta(days=settings.export_ttl_days)
    zone = await tenant_timezone(uow, admin.tenant_id)
    values[LINK_EXPIRY] = report_emails.link_expiry_text(expires, zone)
    return TemplatePreview(
        subject=report_emails.render(subject, values),
        body=report_emails.render(body, values),
        values=values,
        sample=request.params is None,
    )
