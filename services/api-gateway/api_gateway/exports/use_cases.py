"""Export job use cases for the gateway: submit, find the caller's job, list with a cursor."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, select

from api_gateway.http.pagination import newest_first, page
from api_gateway.http.problems import ProblemError, refusal_problem
from api_gateway.http.tenancy import tenant_today
from shared.domain import exports
from shared.domain.idempotency import IdempotencyConflictError
from shared.domain.report_emails import recipient_language
from shared.domain.reports import ParamsContext, ReportParamError, report_named
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ExportJob
from shared.infra.settings import Settings
from shared.infra.tokens import Principal
from shared.languages import Language
from shared.states import ExportStatus


async def submit_export(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    *,
    report: str,
    format: str,
    params: dict[str, Any],
    idempotency_key: str | None,
    language: Language | None = None,
) -> tuple[ExportJob, bool]:
    """Validate the request against the report's definition, then queue the job (committed)."""
    context = params_context(uow, settings, principal)
    try:
        definition = report_named(report)
        raw = await definition.with_defaults(params, context)
        parsed = definition.parse_params(raw, settings.export_max_period_days)
        if format not in definition.formats:
            raise ReportParamError(
                "format", f"{report} can be exported as {sorted(definition.formats)}"
            )
        parsed = await definition.resolved(parsed, context)
    except ReportParamError as exc:
        prefix = "" if exc.field in ("report", "format") else "params."
        raise refusal_problem(exc, prefix=prefix) from None
    normalised = parsed.model_dump(mode="json")
    new = exports.NewExport(
        tenant_id=principal.tenant_id,
        requested_by=principal.user_id,
        report=report,
        format=format,
        params=normalised,
        idempotency_key=idempotency_key,
        # the words a statement sent to its party would have, unless the caller names a language
        language=language
        or await recipient_language(uow.session, principal.tenant_id, definition, normalised),
    )
    try:
        job, created = await exports.create_export_job(uow, new)
    except IdempotencyConflictError:
        raise ProblemError(
            409,
            "this Idempotency-Key was already used with a different request body",
            code="idempotency_key_reused",
        ) from None
    await uow.commit()
    return job, created


def params_context(uow: UnitOfWork, settings: Settings, principal: Principal) -> ParamsContext:
    """What a report needs to check a request's parameters against the caller's books."""
    return ParamsContext(
        session=uow.session,
        tenant_id=principal.tenant_id,
        max_period_days=settings.export_max_period_days,
        today=lambda: tenant_today(uow, principal.tenant_id),
    )


def _visible(principal: Principal) -> Any:
    """Admins see the tenant's jobs, users their own."""
    clause = ExportJob.tenant_id == principal.tenant_id
    if not principal.is_admin:
        clause = and_(clause, ExportJob.requested_by == principal.user_id)
    return clause


async def find_job(uow: UnitOfWork, principal: Principal, job_id: uuid.UUID) -> ExportJob:
    """The job if the caller may see it; 404 otherwise (never reveal another tenant's job)."""
    job = await uow.session.scalar(
        select(ExportJob).where(ExportJob.id == job_id, _visible(principal))
    )
    if job is None:
        raise ProblemError(404, "no such export job")
    return job


async def list_jobs(
    uow: UnitOfWork,
    principal: Principal,
    *,
    limit: int,
    cursor: str | None,
    status: ExportStatus | None,
    report: str | None,
) -> tuple[list[ExportJob], str | None]:
    """Newest first; returns the page and the cursor of the next page (None at the end)."""
    query = select(ExportJob).where(_visible(principal))
    if status:
        query = query.where(ExportJob.status == status)
    if report:
        query = query.where(ExportJob.report == report)
    query = newest_first(query, ExportJob.created_at, ExportJob.id, cursor, limit)
    jobs = list(await uow.session.scalars(query))
    return page(jobs, limit, lambda job: (job.created_at, job.id))
