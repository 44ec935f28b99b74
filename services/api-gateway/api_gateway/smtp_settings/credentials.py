"""Where the tenant's SMTP settings may point, and which server the stored password goes to.

The password is write-only and belongs to the server it was typed for: its host, port,
username and security. Settings (saved or only tried) that change any of them without the
password again are refused with `password_required`: otherwise an admin, or whoever holds an
admin's token, could point the settings at a listener of their own and have the next send
hand the password over (in cleartext with `security: none`).
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from api_gateway.http.problems import field_error
from shared.domain.smtp_servers import HostNotAllowedError, ServerRules
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
