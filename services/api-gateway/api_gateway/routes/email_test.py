"""The SMTP test button."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import AdminUser, InfraDep, SettingsDep
from ..email_test import EmailTestRequest, EmailTestResult, run_test_email

router = APIRouter(prefix="/admin/email-settings", tags=["admin"])


@router.post("/test")
async def send_test_email(
    body: EmailTestRequest, admin: AdminUser, infra: InfraDep, settings: SettingsDep
) -> EmailTestResult:
    """Send a short test message with the saved (or the given, unsaved) settings; answers with
    the server's reply or a plain-language reason, within the SMTP timeout."""
    return await run_test_email(infra, settings, admin, body)
