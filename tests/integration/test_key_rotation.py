"""`ledgerpost rotate-keys`: every stored secret ends up under the newest key."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import select

from shared.infra.crypto import SecretBox, rotate_stored_secrets
from shared.infra.db.models import EmailSettings, MailboxSettings
from shared.infra.runtime import Infrastructure


async def test_rotation_re_encrypts_stored_smtp_and_mailbox_passwords(
    infra: Infrastructure, tenant_id: str
) -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    async with infra.uow() as uow:
        uow.session.add(
            EmailSettings(
                tenant_id=tenant_id,
                host="smtp.example.in",
                port=587,
                security="starttls",
                username="mailer",
                password_encrypted=SecretBox([old_key]).encrypt("hunter2"),
                from_email="reports@example.in",
                delivery={},
            )
        )
        uow.session.add(
            MailboxSettings(
                tenant_id=tenant_id,
                host="imap.example.in",
                port=993,
                security="ssl",
                username="bounces",
                password_encrypted=SecretBox([old_key]).encrypt("imap-secret"),
            )
        )
        await uow.commit()

    rotated = await rotate_stored_secrets(infra.uow(), SecretBox([new_key, old_key]), tenant_id)

    assert rotated == 2
    async with infra.sessions() as session:
        stored = await session.scalar(
            select(EmailSettings.password_encrypted).where(EmailSettings.tenant_id == tenant_id)
        )
        mailbox = await session.scalar(
            select(MailboxSettings.password_encrypted).where(MailboxSettings.tenant_id == tenant_id)
        )
    assert stored is not None and mailbox is not None
    assert SecretBox([new_key]).decrypt(stored) == "hunter2"
    assert SecretBox([new_key]).decrypt(mailbox) == "imap-secret"
