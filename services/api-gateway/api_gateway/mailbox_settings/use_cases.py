"""Mailbox settings use cases: read, validate and replace, remove.

The password follows the SMTP password's rules (`smtp_settings.credentials`): encrypted with
`SecretBox` before it reaches the database, never returned or logged, and kept when omitted
only for the same host, port, login and security (else 409 `password_required`). Pointing the
settings at another mailbox (host, port, login or folder) starts reading it from its first
message: the remembered position belongs to the old one.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, func, select

from api_gateway.http.problems import ProblemError, field_error
from api_gateway.mailbox_settings.schemas import (
    MailboxServer,
    MailboxSettingsPublic,
    MailboxSettingsUpdate,
)
from api_gateway.smtp_settings.credentials import (
    check_server_to_save,
    password_change,
    password_column,
    replace_settings_row,
)
from shared.domain.addresses import contains_header_unsafe, normalize_hostname
from shared.infra.crypto import SecretBox
from shared.infra.db import UnitOfWork
from shared.infra.db.models import EmailBounce, MailboxSettings
from shared.infra.settings import Settings
from shared.infra.tokens import Principal

log = logging.getLogger(__name__)

NOT_CONFIGURED = "the mailbox for bounces is not configured yet"


def checked_server(body: MailboxServer, *, prefix: str = "") -> tuple[str, str]:
    """The host (normalized) and login, refused (422 naming the field) when malformed; a line
    break in the login or password would end the IMAP command it is sent in."""
    try:
        host = normalize_hostname(body.host)
    except ValueError as exc:
        raise field_error(f"{prefix}host", str(exc)) from None
    if contains_header_unsafe(body.username):
        raise field_error(f"{prefix}username", "line breaks and control characters are not allowed")
    if body.password is not None and contains_header_unsafe(body.password.get_secret_value()):
        raise field_error(
            f"{prefix}password",
            "line breaks and control characters are not allowed",
            code="password_invalid",
        )
    return host, body.username.strip()


async def read_mailbox_settings(uow: UnitOfWork, tenant_id: str) -> MailboxSettingsPublic:
    """The tenant's mailbox settings; 404 before the first save."""
    row = await uow.session.get(MailboxSettings, tenant_id)
    if row is None:
        raise ProblemError(404, NOT_CONFIGURED)
    return await _public(uow, row)


async def save_mailbox_settings(
    uow: UnitOfWork, settings: Settings, admin: Principal, body: MailboxSettingsUpdate
) -> MailboxSettingsPublic:
    """Validate and replace the tenant's mailbox settings (committed)."""
    host, username = checked_server(body)
    stored = await check_server_to_save(
        uow.session, settings, MailboxSettings, admin.tenant_id, body, host, username
    )
    values: dict[str, Any] = {
        "tenant_id": admin.tenant_id,
        "host": host,
        "port": body.port,
        "security": body.security,
        "username": username,
        "folder": body.folder,
        "timeout_seconds": body.timeout_seconds,
        "enabled": body.enabled,
        "next_scan_at": None,  # read soon after a change
        "updated_by": admin.user_id,
        "updated_at": func.now(),
    }
    if stored is None or (stored.host, stored.port, stored.username, stored.folder) != (
        host,
        body.port,
        username,
        body.folder,
    ):
        values.update(uidvalidity=None, last_uid=0, last_scan_error=None, last_scan_at=None)
    values.update(password_column(body, SecretBox(settings.encryption_key_list)))
    row = await replace_settings_row(uow.session, MailboxSettings, values)
    public = await _public(uow, row)
    await uow.commit()
    log.info(
        "mailbox settings saved",
        extra={
            "tenant_id": admin.tenant_id,
            "updated_by": admin.user_id,
            "imap_host": host,
            "imap_port": body.port,
            "password_change": password_change(body),
        },
    )
    return public


async def remove_mailbox_settings(uow: UnitOfWork, tenant_id: str) -> None:
    """Stop reading the mailbox and forget its settings; recorded bounces stay (404 when none)."""
    removed = await uow.session.execute(
        delete(MailboxSettings)
        .where(MailboxSettings.tenant_id == tenant_id)
        .returning(MailboxSettings.tenant_id)
    )
    if removed.first() is None:
        raise ProblemError(404, NOT_CONFIGURED)
    await uow.commit()


async def _public(uow: UnitOfWork, row: MailboxSettings) -> MailboxSettingsPublic:
    recorded = await uow.session.scalar(
        select(func.count()).select_from(EmailBounce).where(EmailBounce.tenant_id == row.tenant_id)
    )
    return MailboxSettingsPublic(
        host=row.host,
        port=row.port,
        security=row.security,
        username=row.username,
        has_password=row.password_encrypted is not None,
        folder=row.folder,
        timeout_seconds=row.timeout_seconds,
        enabled=row.enabled,
        uidvalidity=row.uidvalidity,
        last_uid=row.last_uid,
        last_scan_at=row.last_scan_at,
        last_scan_error=row.last_scan_error,
        bounces_recorded=recorded or 0,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
