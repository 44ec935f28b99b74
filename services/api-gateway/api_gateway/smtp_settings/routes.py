"""The tenant's SMTP settings (admins only; the mail-service sends with them) and the button
that sends a test email with them."""

from __future__ import annotations

from fastapi import APIRouter

from api_gateway.http.deps import AdminUser, InfraDep, SettingsDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.smtp_settings.schemas import EmailSettingsPublic, EmailSettingsUpdate
from api_gateway.smtp_settings.trial_email import (
    EmailTestRequest,
    EmailTestResult,
    run_test_email,
)
from api_gateway.smtp_settings.use_cases import read_email_settings, save_email_settings

router = APIRouter(prefix="/admin/email-settings", tags=["admin"])


@router.get("", responses=problems(404))
async def show_email_settings(admin: AdminUser, uow: UowDep) -> EmailSettingsPublic:
    """The tenant's SMTP settings, without the password (404 until configured)."""
    return await read_email_settings(uow, admin.tenant_id)


@router.put("", responses=problems(409))
async def replace_email_settings(
    body: EmailSettingsUpdate, admin: AdminUser, uow: UowDep, settings: SettingsDep
) -> EmailSettingsPublic:
    """Replace the SMTP settings; omit `password` to keep the stored one, send null to clear it."""
    return await save_email_settings(uow, settings, admin, body)


@router.post("/test", responses=problems(409))
async def send_test_email(
    body: EmailTestRequest, admin: AdminUser, infra: InfraDep, settings: SettingsDep
) -> EmailTestResult:
    """Send a short test message with the saved (or the given, unsaved) settings; answers with
    the server's reply or a plain-language reason, within the SMTP timeout."""
    return await run_test_email(infra, settings, admin, body)
