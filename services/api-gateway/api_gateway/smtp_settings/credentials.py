"""Where the tenant's SMTP settings may point, and which server the stored password goes to.

The password is write-only and belongs to the server it was typed for: its host, port,
username and security. Settings (saved or only tried) that change any of them without the
password again are refused with `password_required`: otherwise an admin, or whoever holds an
admin's token, could point the settings at a listener of their own and have the next send
hand the password over (in cleartext with `security: none`).

Both settings that hold a password (SMTP's, and the mailbox's) save it, log its change and
offer it to a test through the functions below, so the rules cannot drift apart.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol, TypeVar

from pydantic import SecretStr
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from api_gateway.http.problems import field_error
from shared.domain.smtp_servers import HostNotAllowedError, ServerRules
from shared.infra.crypto import SecretBox
from shared.infra.db.models import EmailSettings, MailboxSettings
from shared.infra.settings import Settings


class StoredLogin(Protocol):
    """Saved settings holding a password for one server: SMTP's, and the mailbox's (IMAP)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def username(self) -> str | None: ...
    @property
    def security(self) -> str: ...
    @property
    def password_encrypted(self) -> str | None: ...


class PasswordField(Protocol):
    """A body with the write-only `password`: omitted keeps the stored one, null clears it."""

    @property
    def password(self) -> SecretStr | None: ...
    @property
    def password_given(self) -> bool: ...


class TriedServer(PasswordField, Protocol):
    """Unsaved settings a test button tries."""

    @property
    def port(self) -> int: ...
    @property
    def security(self) -> str: ...


class SavedServer(TriedServer, Protocol):
    """Settings an admin saves."""

    @property
    def timeout_seconds(self) -> int: ...


SettingsRow = TypeVar("SettingsRow", EmailSettings, MailboxSettings)

# A message, not a password.
RETYPE_PASSWORD = (
    "type the password again: the stored one is only used with the saved host, port, "  # noqa: S105
    "username and security"
)


def server_rules(settings: Settings) -> ServerRules:
    return ServerRules.from_settings(settings)


def same_server(
    stored: StoredLogin, host: str, port: int, username: str | None, security: str
) -> bool:
    """True when these are the host, port, login and security the password was saved for."""
    saved = (stored.host, stored.port, stored.username or None, stored.security)
    return saved == (host, port, username or None, security)


def refuse_password_elsewhere(
    stored: StoredLogin | None,
    host: str,
    port: int,
    username: str | None,
    security: str,
    *,
    field: str,
) -> None:
    """409 `password_required` when a stored password would follow a changed server (the
    stored settings decide, so it is a state refusal, not a malformed request)."""
    if stored is None or stored.password_encrypted is None:
        return
    if not same_server(stored, host, port, username, security):
        raise field_error(field, RETYPE_PASSWORD, 409, code="password_required")


def check_login_transport(
    rules: ServerRules, host: str, security: str, username: str | None, *, prefix: str
) -> None:
    """422 `unencrypted_login` naming `security` for a login over an unencrypted connection
    (`prefix` is "" or "settings.")."""
    refusal = rules.unencrypted_login_refusal(host, security, username)
    if refusal is not None:
        raise field_error(f"{prefix}security", refusal, code="unencrypted_login")


async def check_host(
    rules: ServerRules, host: str, port: int, *, within: float, field: str
) -> None:
    """422 `smtp_host_not_allowed` naming `field` for a host tenants may not use: loopback,
    private, link-local (or a name resolving to one) not allowed by the operator. The name
    is resolved `within` seconds (the settings' SMTP timeout)."""
    try:
        async with asyncio.timeout(within):
            await rules.checked_addresses(host, port)
    except HostNotAllowedError as exc:
        raise field_error(field, str(exc), code="smtp_host_not_allowed") from None
    except (OSError, UnicodeError):
        # A name that does not resolve (yet, or in time) can be saved; the mail-service
        # checks it again right before connecting, and a test send answers "DNS".
        return


async def check_server_to_save(
    session: AsyncSession,
    settings: Settings,
    model: type[SettingsRow],
    tenant_id: str,
    body: SavedServer,
    host: str,
    username: str | None,
) -> SettingsRow | None:
    """Refuse settings the server rules refuse (422 naming `security` or `host`) or that would
    send the stored password elsewhere (409 `password_required`); the stored row, if any."""
    rules = server_rules(settings)
    check_login_transport(rules, host, body.security, username, prefix="")
    await check_host(rules, host, body.port, within=body.timeout_seconds, field="host")
    stored = await session.get(model, tenant_id)
    if not body.password_given:
        refuse_password_elsewhere(
            stored, host, body.port, username, body.security, field="password"
        )
    return stored


def typed_password(body: PasswordField) -> str | None:
    """The password the body carried; None for null, and for an empty one (only the test
    button's unsaved settings accept it: it means no password, as it always has)."""
    return body.password.get_secret_value() if body.password else None


def stored_password(stored: StoredLogin | None, box: SecretBox) -> str | None:
    if stored is None or stored.password_encrypted is None:
        return None
    return box.decrypt(stored.password_encrypted)


def password_column(body: PasswordField, box: SecretBox) -> dict[str, str | None]:
    """`password_encrypted` for the upsert when the body carried a password (null clears it);
    none when omitted, so the upsert leaves the stored one alone (for the same server only,
    checked with `refuse_password_elsewhere` first)."""
    if not body.password_given:
        return {}
    secret = typed_password(body)
    return {"password_encrypted": box.encrypt(secret) if secret is not None else None}


def password_change(body: PasswordField) -> str:
    """What the update did to the password, for the log (never the password itself)."""
    if not body.password_given:
        return "kept"
    return "set" if body.password is not None else "cleared"


def password_to_try(
    tried: TriedServer,
    stored: StoredLogin | None,
    box: SecretBox,
    host: str,
    username: str | None,
    *,
    field: str,
) -> str | None:
    """The password a test logs in with: the typed one, else the stored one, which is only
    ever offered to the server, login and security it was saved for (409 otherwise):
    otherwise a test could hand it to any host, or in cleartext."""
    if tried.password_given:
        return typed_password(tried)
    refuse_password_elsewhere(stored, host, tried.port, username, tried.security, field=field)
    return stored_password(stored, box)


async def replace_settings_row(
    session: AsyncSession, model: type[SettingsRow], values: dict[str, Any]
) -> SettingsRow:
    """Insert or replace the tenant's one settings row with `values` (a column left out keeps
    its stored value) and return it. One statement, so two admins saving the first settings
    at once cannot collide."""
    insert = pg_insert(model).values(values)
    upsert = insert.on_conflict_do_update(
        index_elements=[model.tenant_id],
        set_={name: insert.excluded[name] for name in values if name != "tenant_id"},
    ).returning(model)
    row: SettingsRow = (
        await session.scalars(upsert, execution_options={"populate_existing": True})
    ).one()
    return row
