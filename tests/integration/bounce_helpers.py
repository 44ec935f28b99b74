"""Helpers for bounce tests: a tenant's mailbox settings pointing at the test IMAP server, and
emails that went out through a real SMTP sink (so they have their audit rows)."""

from __future__ import annotations

import uuid
from typing import Any

from mail_service.bounce_scan import scan_mailboxes
from mail_service.deps import MailDeps
from sqlalchemy import select, update

from shared.infra.crypto import SecretBox
from shared.infra.db.models import EmailBounce, MailboxSettings
from shared.infra.runtime import Infrastructure
from tests.imap_kit.server import ImapServer

from .mailing import mail_infra


def mailbox_infra(infra: Infrastructure, server: ImapServer) -> Infrastructure:
    """Settings that trust the test server's certificate and let tenants use loopback (or, for
    a configured server without TLS, allow a login in clear as development does)."""
    if server.cafile is None:
        return mail_infra(infra, app_env="development")
    return mail_infra(
        infra,
        mail_smtp_ca_file=server.cafile,
        smtp_allowed_private_hosts="127.0.0.1,::1,localhost",
    )


async def configure_mailbox(
    infra: Infrastructure, tenant_id: str, server: ImapServer, folder: str, **values: Any
) -> None:
    box = SecretBox(infra.settings.encryption_key_list)
    row: dict[str, Any] = {
        # STARTTLS to the name the test certificate carries, as a real mailbox would be read.
        "host": "localhost" if server.cafile else server.host,
        "port": server.port,
        "security": "starttls" if server.cafile else "none",
        "username": server.user,
        "password_encrypted": box.encrypt(server.password),
        "folder": folder,
        "timeout_seconds": 10,
    }
    row.update(values)
    async with infra.uow() as uow:
        uow.session.add(MailboxSettings(tenant_id=tenant_id, **row))
        await uow.commit()


async def scan_now(deps: MailDeps, tenant_id: str) -> int:
    """Make the tenant's mailbox due and run one round of the scan."""
    async with deps.uow() as uow:
        await uow.session.execute(
            update(MailboxSettings)
            .where(MailboxSettings.tenant_id == tenant_id)
            .values(next_scan_at=None)
        )
        await uow.commit()
    return await scan_mailboxes(deps)


async def mailbox_row(infra: Infrastructure, tenant_id: str) -> MailboxSettings:
    async with infra.sessions() as session:
        row = await session.get(MailboxSettings, tenant_id)
    assert row is not None
    return row


async def bounces(infra: Infrastructure, email_id: uuid.UUID) -> dict[str, EmailBounce]:
    async with infra.sessions() as session:
        rows = await session.scalars(select(EmailBounce).where(EmailBounce.email_id == email_id))
        return {row.address: row for row in rows}
