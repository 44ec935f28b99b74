"""The send-report-by-email use case, one for every report: its definition sets the rules.

The report's parameters are checked and resolved as an export's are; the recipients follow its
recipient policy (the party directory may fill To; internal-only reports refuse any outside
address, typed or listed, and the refusal is audited); what is not typed of the subject and
message comes from the tenant's email template, in the party's language (`report_emails`).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from pydantic import BaseModel
from redis.asyncio import Redis

from api_gateway.exports.use_cases import params_context
from api_gateway.http.problems import ProblemError, field_error, refusal_problem
from api_gateway.http.rate_limit import enforce_send_rate
from api_gateway.reports.queueing import (
    ReportEmail,
    checked_recipients,
    directory_recipients,
    queue_report_email,
    replayed,
)
from shared.domain import confirmations, report_emails, tenants
from shared.domain.addresses import contains_header_unsafe, not_internal_hint
from shared.domain.recipients import Recipients
from shared.domain.reports import AnyReport, EmailRequest, ReportParamError
from shared.infra.db import UnitOfWork
from shared.infra.db.models import DistributionList, Email, EmailAudit
from shared.infra.settings import Settings
from shared.infra.tokens import Principal
from shared.languages import Language
from shared.states import AuditStatus


async def send_report_email(
    uow: UnitOfWork,
    redis: Redis,
    settings: Settings,
    principal: Principal,
    definition: AnyReport,
    body: BaseModel,
    idempotency_key: str | None,
) -> tuple[Email, bool]:
    raw = body.model_dump(mode="json")
    if (earlier := await replayed(uow, principal, idempotency_key, raw)) is not None:
        return earlier, False
    await enforce_send_rate(redis, settings, principal)
    request = definition.email_request(body)
    try:
        params = await definition.request_params(
            request.params, params_context(uow, settings, principal)
        )
    except ReportParamError as exc:
        raise refusal_problem(exc) from None
    policy = definition.recipients
    to, cc, bcc, source = request.to, request.cc, request.bcc, "typed"
    if policy.internal_only:
        to, cc, bcc, source = await _internal_recipients(uow, principal, definition, request)
    elif policy.directory_param is not None and not to:
        ledger = str(getattr(params, policy.directory_param))
        to, cc, bcc = await directory_recipients(uow, principal.tenant_id, ledger, cc, bcc)
        source = "directory"
    elif not to:
        raise field_error("to", "no recipient: type an address", code="no_recipient")
    recipients = checked_recipients(to, cc, bcc, settings)
    if request.subject and contains_header_unsafe(request.subject):
        raise field_error(
            "subject", "line breaks and control characters are not allowed", code="text_invalid"
        )
    language = request.language or await report_emails.recipient_language(
        uow.session, principal.tenant_id, definition, params.model_dump()
    )
    confirmation = None
    if request.confirm_balance:
        confirmation = await _confirmation(
            uow, settings, principal, definition, params, language, recipients
        )
    texts = await report_emails.report_email_texts(
        uow.session,
        principal.tenant_id,
        definition,
        params,
        language,
        subject=request.subject,
        message=request.message,
        confirmation_request=confirmation.paragraph if confirmation else None,
    )
    email = await queue_report_email(
        uow,
        principal,
        ReportEmail(
            report=definition.name,
            format=request.format,
            params=params.model_dump(mode="json"),
            recipients=recipients,
            recipient_source=source,
            texts=texts,
            confirmation=confirmation.confirmation if confirmation else None,
        ),
        idempotency_key=idempotency_key,
        body=raw,
    )
    return email, True


async def _confirmation(
    uow: UnitOfWork,
    settings: Settings,
    principal: Principal,
    definition: AnyReport,
    params: BaseModel,
    language: Language,
    recipients: Recipients,
) -> confirmations.ConfirmationRequest:
    """The balance confirmation the email asks for, with its link (`confirm_balance`)."""
    subject = definition.confirmation_subject(params)
    if subject is None:
        raise field_error(
            "confirm_balance", f"the {definition.name} report asks no party to confirm a balance"
        )
    ledger, as_of = subject
    return await confirmations.request_confirmation(
        uow.session,
        settings,
        tenant_id=principal.tenant_id,
        ledger=await confirmations.ledger_named(uow.session, principal.tenant_id, ledger),
        as_of=as_of,
        language=language,
        requested_by=principal.user_id,
        to=recipients.to,
        cc=recipients.cc,
    )


async def _internal_recipients(
    uow: UnitOfWork, principal: Principal, definition: AnyReport, request: EmailRequest
) -> tuple[list[str], list[str], list[str], str]:
    """Typed plus listed addresses, every one internal; one outsider refuses the request."""
    domains = await tenants.internal_domains(uow.session, principal.tenant_id)
    if not domains:
        raise field_error("to", definition.no_internal_domains(), 409, code="no_internal_domains")
    to, cc, bcc, source = list(request.to), list(request.cc), list(request.bcc), "typed"
    if request.distribution_list_id is not None:
        listed = await _distribution_list(uow, principal.tenant_id, request.distribution_list_id)
        to, cc, bcc = (
            [*to, *listed.to_addresses],
            [*cc, *listed.cc_addresses],
            [*bcc, *listed.bcc_addresses],
        )
        source = "distribution_list" if not request.to else "typed"
    offending = definition.recipients.outsiders(Recipients(to, cc, bcc), domains)
    if offending:
        await _audit_rejection(uow, principal, definition, to, cc, bcc, offending)
        errors = [
            {"field": f, "message": f"{a!r} is not an internal address{not_internal_hint(a)}"}
            for f, a in offending
        ]
        # The tenant's internal domains decide, not the request's shape: a state refusal.
        raise ProblemError(
            409,
            f"the {definition.name} report goes to internal addresses only; refused: "
            + ", ".join(repr(a) for _, a in offending),
            errors=errors,
            code="external_recipients",
        )
    if not to:
        raise field_error(
            "to",
            "no recipient: type an internal address or pick a distribution list",
            code="no_recipient",
        )
    return to, cc, bcc, source


async def _distribution_list(
    uow: UnitOfWork, tenant_id: str, list_id: uuid.UUID
) -> DistributionList:
    found = await tenants.distribution_list(uow.session, tenant_id, list_id)
    if found is None:
        raise field_error(
            "distribution_list_id",
            "no such distribution list",
            404,
            code="distribution_list_not_found",
        )
    return found


async def _audit_rejection(
    uow: UnitOfWork,
    principal: Principal,
    definition: AnyReport,
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
            report=definition.name,
            requested_by=principal.user_id,
            to_addresses=to,
            cc_addresses=cc,
            bcc_addresses=bcc,
            attempt=0,
            status=AuditStatus.REJECTED,
            error_class="policy",
            error=(
                f"external addresses refused for the internal-only {definition.name} report: "
                f"{refused}"
            ),
            finished_at=datetime.now(UTC),
        )
    )
    await uow.commit()
