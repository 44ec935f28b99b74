"""The tenant's SMTP settings (admins only); the mail-service sends with them."""

from __future__ import annotations

from fastapi import APIRouter

from ..deps import AdminUser, SettingsDep, UowDep
from ..email_schemas import EmailSettingsPublic, EmailSettingsUpdate
from ..email_settings import read_email_settings, save_email_settings

router = APIRouter(prefix="/admin/email-settings", tags=["admin"])


@router.get("")
async def show_email_settings(admin: AdminUser, uow: UowDep) -> EmailSettingsPublic:
    """The tenant's SMTP settings, without the password (404 until configured)."""
    return await read_email_settings(uow, admin.tenant_id)


@router.put("")
async def replace_email_settings(
    body: EmailSettingsUpdate, admin: AdminUser, uow: UowDep, settings: SettingsDep
) -> EmailSettingsPublic:
    """Replace the SMTP settings; omit `password` to keep the stored one, send null to clear it."""
    return await save_email_settings(uow, settings, admin, body)
