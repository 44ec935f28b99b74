"""Sending a report by email: the export job and the email are created in one transaction.

The report decides the rules, never the client (its definition's recipient policy, applied in
`use_cases.py`): a ledger statement may go to anyone, its To auto-filled from the party
directory when the user leaves it empty; the outstanding report goes to internal addresses
only (typed or from a distribution list), and one external address refuses the whole request,
with a `rejected` row in the audit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from api_gateway.http.problems import ProblemError, field_error
from api_gateway.reports.schemas import EmailRecipientsPublic, ReportEmailAccepted
from shared.domain import confirmations, emails, exports, tenants
from shared.domain.idempotency import request_fingerprint
from shared.domain.party_directory import entry_for_ledger
from shared.domain.recipients import RecipientError, Recipients, normalize_recipients
from shared.domain.report_emails import ReportEmailTexts
from shared.infra.db import UnitOfWork
from shared.infra.db.models import BalanceConfirmation, Email
from shared.infra.settings import Settings
from shared.infra.tokens import Principal


@dataclass(frozen=True)
class ReportEmail:
    """What to export and whom to send it to, already checked."""

    report: str
    format: str
    params: dict[str, Any]
    recipients: Recipients
    recipient_source: str
    texts: ReportEmailTexts
    # The balance confirmation the email carries the link of (`confirm_balance`).
    confirmation: BalanceConfirmation | None = None


def accepted(email: Email, confirmation_id: uuid.UUID | None = None) -> ReportEmailAccepted:
    assert email.export_job_id is not None
    return ReportEmailAccepted(
        email_id=email.id,
        export_job_id=email.export_job_id,
        status=email.status,
        recipients=EmailRecipientsPublic(
            to=email.to_addresses, cc=email.cc_addresses, bcc=email.bcc_addresses
        ),
        to_source=email.recipient_source or "typed",
        subject=email.subject,
        confirmation_id=confirmation_id,
    )


async def email_confirmation_id(uow: UnitOfWork, email: Email) -> uuid.UUID | None:
    """The balance confirmation `email` carries the link of, if it asked for one."""
    found: uuid.UUID | None = await uow.session.scalar(
        select(BalanceConfirmation.id).where(
            BalanceConfirmation.tenant_id == email.tenant_id,
            BalanceConfirmation.email_id == email.id,
        )
    )
    return found


async def replayed(
    uow: UnitOfWork, principal: Principal, key: str | None, body: dict[str, Any]
) -> Email | None:
    """The email an earlier request with this Idempotency-Key created (same body), if any."""
    if not key:
        return None
    email = await uow.session.scalar(
        select(Email).where(
            Email.tenant_id == principal.tenant_id,
            Email.requested_by == principal.user_id,
            Email.idempotency_key == key,
        )
    )
    if email is not None and email.request_hash != request_fingerprint(body):
        raise ProblemError(
            409,
            "this Idempotency-Key was already used with a different request",
            code="idempotency_key_reused",
        )
    return email


def checked_recipients(
    to: list[str], cc: list[str], bcc: list[str], settings: Settings
) -> Recipients:
    try:
        return normalize_recipients(to, cc, bcc, max_total=settings.send_max_recipients)
    except RecipientError as exc:
        errors = [{"field": field, "message": message} for field, message in exc.errors]
        raise ProblemError(
            422, "; ".join(f"{e['field']}: {e['message']}" for e in errors), errors=errors
        ) from None


async def directory_recipients(
    uow: UnitOfWork, tenant_id: str, ledger: str, cc: list[str], bcc: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """To, CC and BCC from the party directory (by ledger, then by the ledger's party name),
    with the typed CC and BCC kept; 422 when there is no entry and nothing was typed."""
    entry = await entry_for_ledger(uow.session, tenant_id, ledger)
    if entry is None or not entry.to_addresses:
        raise field_error(
            "to",
            f"no recipient: the party directory has no entry for {ledger!r}; type an address",
            409,
            code="no_directory_entry",
        )
    return (
        list(entry.to_addresses),
        [*cc, *entry.cc_addresses],
        [*bcc, *entry.bcc_addresses],
    )


async def queue_report_email(
    uow: UnitOfWork,
    principal: Principal,
    request: ReportEmail,
    *,
    idempotency_key: str | None,
    body: dict[str, Any],
) -> Email:
    """The export job and the email that waits for it, in the caller's transaction (committed)."""
    job, _ = await exports.create_export_job(
        uow,
        exports.NewExport(
            tenant_id=principal.tenant_id,
            requested_by=principal.user_id,
            report=request.report,
            format=request.format,
            params=request.params,
            language=request.texts.language,
        ),
    )
    email = emails.create_email(
        uow,
        emails.NewEmail(
            tenant_id=principal.tenant_id,
            requested_by=principal.user_id,
            trigger="manual",
            subject=request.texts.subject,
            body=request.texts.body,
            to=request.recipients.to,
            cc=request.recipients.cc,
            bcc=request.recipients.bcc,
            report=request.report,
            export_job_id=job.id,
            idempotency_key=idempotency_key,
            request_hash=request_fingerprint(body),
            recipient_source=request.recipient_source,
            language=request.texts.language,
        ),
        message_domain=await tenants.message_domain(uow.session, principal.tenant_id),
    )
    if request.confirmation is not None:
        await uow.session.flush()  # the email row first: the confirmation refers to it
        confirmations.record_email(request.confirmation, email.id)
    await uow.commit()
    return email
