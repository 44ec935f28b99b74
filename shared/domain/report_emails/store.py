"""A tenant's email templates: its own where an admin saved one, the default otherwise, and
the checks every saved (or previewed) template passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.addresses import contains_header_unsafe
from shared.domain.report_emails.defaults import default_template
from shared.domain.report_emails.templates import TemplateProblem, check_template
from shared.domain.reports import AnyReport
from shared.infra.db.models import EmailTemplate
from shared.languages import Language

# Filled by the mail-service when it makes the link: the subject is written before that.
LINK_EXPIRY = "link_expiry"
BODY_ONLY = frozenset({LINK_EXPIRY})
# A paragraph of its own (the balance confirmation's request and link): never in a subject.
CONFIRMATION_REQUEST = "confirmation_request"
NOT_IN_SUBJECT = BODY_ONLY | {CONFIRMATION_REQUEST}


@dataclass(frozen=True)
class StoredTemplate:
    report: str
    language: Language
    subject: str
    body: str
    is_default: bool
    updated_at: datetime | None = None
    updated_by: str | None = None


@dataclass(frozen=True)
class TemplateLimits:
    subject_max_chars: int
    body_max_chars: int


def subject_placeholders(definition: AnyReport) -> tuple[str, ...]:
    return tuple(name for name in definition.email_placeholders if name not in NOT_IN_SUBJECT)


def check_texts(
    definition: AnyReport, subject: str, body: str, limits: TemplateLimits
) -> list[TemplateProblem]:
    """Every reason `subject` and `body` cannot be the report's templates ([] when none)."""
    problems: list[TemplateProblem] = []
    if not subject.strip():
        problems.append(TemplateProblem("subject", "template_empty", "a subject is required"))
    elif contains_header_unsafe(subject):
        problems.append(
            TemplateProblem(
                "subject",
                "subject_unsafe",
                "line breaks and control characters are not allowed in a subject",
            )
        )
    for field, text, limit in (
        ("subject", subject, limits.subject_max_chars),
        ("body", body, limits.body_max_chars),
    ):
        if len(text) > limit:
            problems.append(
                TemplateProblem(
                    field, "template_too_long", f"{len(text)} characters; at most {limit}"
                )
            )
    problems += check_template("subject", subject, subject_placeholders(definition))
    problems += check_template("body", body, definition.email_placeholders)
    return problems


async def tenant_template(
    session: AsyncSession, tenant_id: str, report: str, language: Language
) -> StoredTemplate:
    """The tenant's template for `report` in `language`, or the default."""
    row = await session.get(EmailTemplate, (tenant_id, report, language))
    if row is None:
        default = default_template(report, language)
        return StoredTemplate(report, language, default.subject, default.body, is_default=True)
    return StoredTemplate(
        report, language, row.subject, row.body, False, row.updated_at, row.updated_by
    )


async def tenant_templates(
    session: AsyncSession, tenant_id: str
) -> dict[tuple[str, str], EmailTemplate]:
    """The tenant's saved templates by (report, language)."""
    rows = await session.scalars(select(EmailTemplate).where(EmailTemplate.tenant_id == tenant_id))
    return {(row.report, row.language): row for row in rows}


async def save_template(
    session: AsyncSession,
    tenant_id: str,
    report: str,
    language: Language,
    subject: str,
    body: str,
    user: str,
) -> None:
    """Insert or replace the tenant's template (the caller checked it and commits)."""
    values = {"subject": subject, "body": body, "updated_by": user, "updated_at": func.now()}
    await session.execute(
        pg_insert(EmailTemplate)
        .values(tenant_id=tenant_id, report=report, language=language, **values)
        .on_conflict_do_update(
            index_elements=[EmailTemplate.tenant_id, EmailTemplate.report, EmailTemplate.language],
            set_=values,
        )
    )


async def reset_template(
    session: AsyncSession, tenant_id: str, report: str, language: Language
) -> None:
    """Back to the default: the tenant's own row goes (the caller commits)."""
    await session.execute(
        delete(EmailTemplate).where(
            EmailTemplate.tenant_id == tenant_id,
            EmailTemplate.report == report,
            EmailTemplate.language == language,
        )
    )
