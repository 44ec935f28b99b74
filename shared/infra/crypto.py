"""Secrets at rest: MultiFernet over `ENCRYPTION_KEYS` (comma-separated, newest first).

Encryption always uses the newest key; decryption tries each key, so keys can be rotated by
prepending a new one, running `ledgerpost rotate-keys` (re-encrypts every stored secret with
the newest key), and only then dropping the old key.
"""

from __future__ import annotations

from typing import cast

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select

from shared.infra.db import UnitOfWork
from shared.infra.db.models import EmailSettings, MailboxSettings


class SecretDecryptionError(ValueError):
    """A stored secret cannot be decrypted with any configured key (key removed too early?)."""


class SecretBox:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("ENCRYPTION_KEYS is empty: set at least one Fernet key")
        try:
            self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        except ValueError as exc:
            raise ValueError(
                "ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 bytes)"
            ) from exc

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretDecryptionError(
                "stored secret cannot be decrypted with any key in ENCRYPTION_KEYS"
            ) from exc

    def rotate(self, token: str) -> str:
        """The same secret re-encrypted with the newest key."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretDecryptionError(
                "stored secret cannot be decrypted with any key in ENCRYPTION_KEYS"
            ) from exc


async def rotate_stored_secrets(
    uow: UnitOfWork, box: SecretBox, tenant_id: str | None = None
) -> int:
    """Re-encrypt every stored secret (of one tenant, or all) with the newest key, in one
    transaction: one undecryptable secret aborts the whole rotation. Returns the count.
    The secrets are the SMTP passwords and the mailbox (IMAP) passwords."""
    count = 0
    models: tuple[type[EmailSettings] | type[MailboxSettings], ...] = (
        EmailSettings,
        MailboxSettings,
    )
    async with uow:
        for model in models:
            query = select(model).where(model.password_encrypted.is_not(None))
            if tenant_id is not None:
                query = query.where(model.tenant_id == tenant_id)
            rows = await uow.session.scalars(query.with_for_update())
            for row in cast("list[EmailSettings | MailboxSettings]", rows.all()):
                assert row.password_encrypted is not None
                row.password_encrypted = box.rotate(row.password_encrypted)
                count += 1
        await uow.commit()
    return count
