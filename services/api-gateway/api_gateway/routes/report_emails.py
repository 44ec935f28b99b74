"""Send a report by email."""

from __future__ import annotations

from fastapi import APIRouter, Response

from ..deps import CurrentUser, IdempotencyKey, InfraDep, SettingsDep, UowDep
from ..report_email_schemas import LedgerEmailCreate, OutstandingEmailCreate, ReportEmailAccepted
from ..report_emails import accepted
from ..report_sends import send_ledger_email, send_outstanding_email

router = APIRouter(prefix="/reports", tags=["report emails"])


@router.post("/ledger/email", status_code=202)
async def email_ledger(
    body: LedgerEmailCreate,
    user: CurrentUser,
    uow: UowDep,
    infra: InfraDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ReportEmailAccepted:
    """Email a ledger statement; To is auto-filled from the party directory when omitted."""
    email, _ = await send_ledger_email(uow, infra.redis, settings, user, body, idempotency_key)
    response.headers["Location"] = f"/api/v1/emails/{email.id}"
    return accepted(email)


@router.post("/outstanding/email", status_code=202)
async def email_outstanding(
    body: OutstandingEmailCreate,
    user: CurrentUser,
    uow: UowDep,
    infra: InfraDep,
    settings: SettingsDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ReportEmailAccepted:
    """Email the outstanding report to internal addresses only (typed or a distribution list)."""
    email, _ = await send_outstanding_email(uow, infra.redis, settings, user, body, idempotency_key)
    response.headers["Location"] = f"/api/v1/emails/{email.id}"
    return accepted(email)
