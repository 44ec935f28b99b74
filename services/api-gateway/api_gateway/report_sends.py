"""The two send endpoints' use cases: the ledger statement and the outstanding report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from redis.asyncio import Redis
from sqlalchemy import select

from shared.addresses import contains_header_unsafe, is_internal_address
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.db.models import DistributionList, Email, EmailAudit, Tenant
from shared.reports import ReportParamError, resolve_ledger_name, validate_params
from shared.settings import Settings
from shared.states import AuditStatus

from .problems import ProblemError, field_error
from .rate_limit import enforce_rate_limit
from .report_email_schemas import LedgerEmailCreate, OutstandingEmailCreate
from .report_emails import (
    ReportEmail,
    checked_recipients,
    company_name,
    default_ledger_texts,
    default_outstanding_texts,
    directory_recipients,
    queue_report_email,
    replayed,
)
from .tenancy import tenant_today

SEND_ACTION = "report-email"


def _texts(subject: str | None, message: str | None, defaults: tuple[str, str]) -> tuple[str, str]:
    subject = subject or defaults[0]
    if contains_header_unsafe(subject):
        raise field_error("subject", "line breaks and control characters are not allowed")
    return subject, message or defaults[1]


async def send_ledger_email(
    uow: UnitOfWork,
    redis: Redis,
    settings: Settings,
    principal: Principal,
    body: LedgerEmailCreate,
    idempotency_key: str | None,
) -> tuple[Email, bool]:
    raw = body.model_dump(mode="json")
    if (earlier := await replayed(uow, principal, idempotency_key, raw)) is not None:
        return earlier, False
    await _rate_limit(redis, settings, principal)
    params = {"ledger": body.ledger, "from_date": body.from_date, "to_date": body.to_date}
    try:
        validate_params("ledger", params, settings.export_max_period_days)
    except ReportParamError as exc:
        raise field_error(exc.field, exc.message) from None
    ledger = await resolve_ledger_name(uow.session, principal.tenant_id, body.ledger)
    if ledger is None:
        raise field_error("ledger", f"no ledger named {body.ledger!r}")
    source = "typed"
    to, cc, bcc = list(body.to or []), body.cc, body.bcc
    if not to:
        to, cc, bcc = await directory_recipients(uow, principal.tenant_id, ledger, cc, bcc)
        source = "directory"
    recipients = checked_recipients(to, cc, bcc, settings)
    company = await company_name(uow, principal.tenant_id)
    subject, message = _texts(
        body.subject,
        body.message,
        default_ledger_texts(company, ledger, body.from_date, body.to_date),
    )
    request = ReportEmail(
        report="ledger",
        format=body.format,
        params={
            "ledger": ledger,
            "from_date": body.from_date.isoformat(),
            "to_date": body.to_date.isoformat(),
        },
        recipients=recipients,
        recipient_source=source,
        subject=subject,
        message=message,
    )
    email = await queue_report_email(
        uow, principal, request, idempotency_key=idempotency_key, body=raw
    )
    return email, True


async def send_outstanding_email(
    uow: UnitOfWork,
    redis: Redis,
    settings: Settings,
    principal: Principal,
    body: OutstandingEmailCreate,
    idempotency_key: str | None,
) -> tuple[Email, bool]:
    raw = body.model_dump(mode="json")
    if (earlier := await replayed(uow, principal, idempotency_key, raw)) is not None:
        return earlier, False
    await _rate_limit(redis, settings, principal)
    domains = list(
        await uow.session.scalar(
            select(Tenant.internal_domains).where(Tenant.id == principal.tenant_id)
        )
        or []
    )
    if not domains:
        raise field_error(
            "to",
            "the outstanding report goes to internal addresses only, and this tenant has no "
            "internal email domains yet: an admin sets them in the email settings",
        )
    to, cc, bcc, source = list(body.to), list(body.cc), list(body.bcc), "typed"
    if body.distribution_list_id is not None:
        listed = await _distribution_list(uow, principal.tenant_id, body.distribution_list_id)
        to, cc, bcc = (
            [*to, *listed.to_addresses],
            [*cc, *listed.cc_addresses],
            [*bcc, *listed.bcc_addresses],
        )
        source = "distribution_list" if not body.to else "typed"
    offending = [
        (f"{name}.{index}", address)
        for name, addresses in (("to", to), ("cc", cc), ("bcc", bcc))
        for index, address in enumerate(addresses)
        if not is_internal_address(address, domains)
    ]
    if offending:
        await _audit_rejection(uow, principal, to, cc, bcc, offending)
        errors = [
            {"field": f, "message": f"{a!r} is not an internal address"} for f, a in offending
        ]
        raise ProblemError(
            422,
            "the outstanding report goes to internal addresses only; refused: "
            + ", ".join(repr(a) for _, a in offending),
            errors=errors,
        )
    if not to:
        raise field_error(
            "to", "no recipient: type an internal address or pick a distribution list"
        )
    recipients = checked_recipients(to, cc, bcc, settings)
    as_of = body.as_of or await tenant_today(uow, principal.tenant_id)
    company = await company_name(uow, principal.tenant_id)
    subject, message = _texts(
        body.subject, body.message, default_outstanding_texts(company, body.kind, as_of)
    )
    request = ReportEmail(
        report="outstanding",
        format=body.format,
        params={"as_of": as_of.isoformat(), "kind": body.kind},
        recipients=recipients,
        recipient_source=source,
        subject=subject,
        message=message,
    )
    email = await queue_report_email(
        uow, principal, request, idempotency_key=idempotency_key, body=raw
    )
    return email, True


async def _rate_limit(redis: Redis, settings: Settings, principal: Principal) -> None:
    await enforce_rate_limit(
        redis,
        settings.bus_stream_prefix,
        SEND_ACTION,
        principal.tenant_id,
        principal.user_id,
        settings.send_rate_per_minute,
    )


async def _distribution_list(
    uow: UnitOfWork, tenant_id: str, list_id: uuid.UUID
) -> DistributionList:
    found = await uow.session.scalar(
        select(DistributionList).where(
            DistributionList.id == list_id, DistributionList.tenant_id == tenant_id
        )
    )
    if found is None:
        raise field_error("distribution_list_id", "no such distribution list")
    return found


async def _audit_rejection(
    uow: UnitOfWork,
    principal: Principal,
    to: list[str],
    cc: list[str],
    bcc: list[str],
    offending: list[tuple[str, str]],
) -> None:
    """The refused attempt is committed on its own: the request fails, the record stays."""
    refused = ", ".join(address for _, address in offending)
    uow.session.add(
        EmailAudit(
            id=uuid.uuid4(),
            tenant_id=principal.tenant_id,
            trigger="manual",
            report="outstanding",
            requested_by=principal.user_id,
            to_addresses=to,
            cc_addresses=cc,
            bcc_addresses=bcc,
            attempt=0,
            status=AuditStatus.REJECTED,
            error_class="policy",
            error=f"external addresses refused for the internal-only outstanding report: {refused}",
            finished_at=datetime.now(UTC),
        )
    )
    await uow.commit()
