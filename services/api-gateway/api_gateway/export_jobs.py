"""Export job use cases for the gateway: submit, find the caller's job, list with a cursor."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, select

from shared import exports
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.db.models import ExportJob
from shared.idempotency import IdempotencyConflictError
from shared.reports import REPORTS, ReportParamError, resolve_ledger_name, validate_params
from shared.settings import Settings
from shared.states import ExportStatus

from .pagination import newest_first, page
from .problems import ProblemError, field_error
from .tenancy import tenant_today


async def submit_export(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    *,
    report: str,
    format: str,
    params: dict[str, Any],
    idempotency_key: str | None,
) -> tuple[ExportJob, bool]:
    """Validate the request against the report's definition, then queue the job (committed)."""
    if report == "outstanding" and params.get("as_of") is None:
        params = {**params, "as_of": (await tenant_today(uow, principal.tenant_id)).isoformat()}
    try:
        parsed = validate_params(report, params, settings.export_max_period_days)
    except ReportParamError as exc:
        path = exc.field if exc.field in ("report", "format") else f"params.{exc.field}"
        raise field_error(path, exc.message) from None
    if format not in REPORTS[report].formats:
        raise field_error(
            "format", f"{report} can be exported as {sorted(REPORTS[report].formats)}"
        )
    normalised = parsed.model_dump(mode="json")
    if "ledger" in normalised:
        canonical = await resolve_ledger_name(
            uow.session, principal.tenant_id, normalised["ledger"]
        )
        if canonical is None:
            raise field_error("params.ledger", f"no ledger named {normalised['ledger']!r}")
        normalised["ledger"] = canonical
    new = exports.NewExport(
        tenant_id=principal.tenant_id,
        requested_by=principal.user_id,
        report=report,
        format=format,
        params=normalised,
        idempotency_key=idempotency_key,
    )
    try:
        job, created = await exports.create_export_job(uow, new)
    except IdempotencyConflictError:
        raise ProblemError(
            409, "this Idempotency-Key was already used with a different request body"
        ) from None
    await uow.commit()
    return job, created


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
