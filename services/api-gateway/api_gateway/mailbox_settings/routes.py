"""The tenant's mailbox settings (admins only; the mail-service reads the mailbox for bounces)
and the button that tries them."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api_gateway.http.auth import AdminUser
from api_gateway.http.deps import InfraDep, SettingsDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.mailbox_settings.schemas import (
    MailboxSettingsPublic,
    MailboxSettingsUpdate,
    MailboxTestRequest,
    MailboxTestResult,
)
from api_gateway.mailbox_settings.trial import run_mailbox_test
from api_gateway.mailbox_settings.use_cases import (
    read_mailbox_settings,
    remove_mailbox_settings,
    save_mailbox_settings,
)

router = APIRouter(prefix="/admin/mailbox-settings", tags=["admin"])


@router.get("", responses=problems(404))
async def show_mailbox_settings(admin: AdminUser, uow: UowDep) -> MailboxSettingsPublic:
    """The mailbox read for bounces, without the password, and how its reading goes (404 until
    configured)."""
    return await read_mailbox_settings(uow, admin.tenant_id)


@router.put("", responses=problems(409))
async def replace_mailbox_settings(
    body: MailboxSettingsUpdate, admin: AdminUser, uow: UowDep, settings: SettingsDep
) -> MailboxSettingsPublic:
    """Replace the mailbox settings; omit `password` to keep the stored one, send null to clear."""
    return await save_mailbox_settings(uow, settings, admin, body)


@router.delete("", status_code=204, response_class=Response, responses=problems(404))
async def delete_mailbox_settings(admin: AdminUser, uow: UowDep) -> Response:
    """Stop reading the mailbox and forget its settings (recorded bounces stay)."""
    await remove_mailbox_settings(uow, admin.tenant_id)
    return Response(status_code=204)


@router.post("/test", responses=problems(409))
async def test_mailbox_settings(
    body: MailboxTestRequest, admin: AdminUser, infra: InfraDep, settings: SettingsDep
) -> MailboxTestResult:
    """Log in and open the folder read-only with the saved (or the given, unsaved) settings;
    answers with the folder's message count or a plain-language reason, within the timeout."""
    return await run_mailbox_test(infra, settings, admin, body)
