"""SMTP settings use cases for the gateway: read, validate and replace a tenant's settings.

The password is write-only: it is encrypted with `shared.infra.crypto.SecretBox` before it reaches
the database and never appears in a response, a problem document or a log line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update

from api_gateway.http.problems import ProblemError
from api_gateway.smtp_settings.credentials import (
    check_server_to_save,
    password_change,
    password_column,
    replace_settings_row,
)
from api_gateway.smtp_settings.schemas import (
    DeliveryModes,
    EmailSettingsPublic,
    EmailSettingsUpdate,
)
from shared.domain import tenants
from shared.domain.addresses import (
    contains_header_unsafe,
    normalize_address,
    normalize_domain,
    normalize_hostname,
)
from shared.infra.crypto import SecretBox
from shared.infra.db import UnitOfWork
from shared.infra.db.models import EmailSettings, Tenant
from shared.infra.settings import Settings
from shared.infra.tokens import Principal

log = logging.getLogger(__name__)

NOT_CONFIGURED = "SMTP is not configured yet"

# Accepted (some servers really are set up this way) but worth a second look by the admin.
_PORT_HINTS: dict[tuple[str, int], str] = {
    ("ssl", 587): "port 587 usually expects STARTTLS, not implicit TLS",
    ("ssl", 25): "port 25 usually expects STARTTLS or plain SMTP, not implicit TLS",
    ("starttls", 465): "port 465 usually expects implicit TLS (ssl), not STARTTLS",
    ("none", 465): "port 465 usually expects implicit TLS (ssl), not an unencrypted connection",
    ("none", 587): "port 587 usually expects STARTTLS, not an unencrypted connection",
}
UNENCRYPTED_CREDENTIALS = (
    "security is none: the username and password would cross the network unencrypted"
)


@dataclass(frozen=True)
class CheckedSettings:
    """The free-text fields of an update, normalized."""

    host: str
    username: str | None
    from_email: str
    from_name: str | None
    reply_to: str | None
    internal_domains: list[str]


def check_update(body: EmailSettingsUpdate) -> CheckedSettings:
    """Normalize the free-text fields; every bad field is reported at once (422, by JSON name)."""
    errors: list[dict[str, str]] = []

    def check(field: str, normalize: Callable[[str], str], value: str) -> str:
        try:
            return normalize(value)
        except ValueError as exc:
            errors.append({"field": field, "message": str(exc)})
            return value

    host = check("host", normalize_hostname, body.host)
    from_email = check("from_email", normalize_address, body.from_email)
    reply_to = _blank_to_none(body.reply_to)
    if reply_to is not None:
        reply_to = check("reply_to", normalize_address, reply_to)
    # The username is free text (not always an address), but it must stay on one line.
    username = _blank_to_none(body.username)
    if username is not None:
        username = check("username", _header_safe, username)
    from_name = _blank_to_none(body.from_name)
    if from_name is not None:
        from_name = check("from_name", _header_safe, from_name.strip())
    domains: list[str] = []
    for index, raw in enumerate(body.internal_domains):
        domain = check(f"internal_domains.{index}", normalize_domain, raw)
        if domain not in domains:
            domains.append(domain)
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        raise ProblemError(422, detail, errors=errors)
    return CheckedSettings(host, username, from_email, from_name, reply_to, domains)


def transport_warnings(security: str, port: int, *, has_credentials: bool) -> list[str]:
    """Suspicious but accepted combinations of security mode, port and credentials."""
    hint = _PORT_HINTS.get((security, port))
    warnings = [hint] if hint else []
    if security == "none" and has_credentials:
        warnings.append(UNENCRYPTED_CREDENTIALS)
    return warnings


async def read_email_settings(uow: UnitOfWork, tenant_id: str) -> EmailSettingsPublic:
    """The tenant's settings; 404 when SMTP was never configured."""
    row = await uow.session.get(EmailSettings, tenant_id)
    if row is None:
        raise ProblemError(404, NOT_CONFIGURED)
    return _public(row, await tenants.internal_domains(uow.session, tenant_id))


async def save_email_settings(
    uow: UnitOfWork, settings: Settings, admin: Principal, body: EmailSettingsUpdate
) -> EmailSettingsPublic:
    """Validate and replace the tenant's settings and internal domains (committed)."""
    checked = check_update(body)
    await check_server_to_save(
        uow.session, settings, EmailSettings, admin.tenant_id, body, checked.host, checked.username
    )
    values: dict[str, Any] = {
        "tenant_id": admin.tenant_id,
        "host": checked.host,
        "port": body.port,
        "security": body.security,
        "username": checked.username,
        "from_email": checked.from_email,
        "from_name": checked.from_name,
        "reply_to": checked.reply_to,
        "timeout_seconds": body.timeout_seconds,
        "max_attachment_mb": body.max_attachment_mb,
        "delivery": body.delivery.model_dump(),
        "link_ttl_days": body.link_ttl_days,
        "updated_by": admin.user_id,
        "updated_at": func.now(),
    }
    values.update(password_column(body, SecretBox(settings.encryption_key_list)))
    row = await replace_settings_row(uow.session, EmailSettings, values)
    await uow.session.execute(
        update(Tenant)
        .where(Tenant.id == admin.tenant_id)
        .values(internal_domains=checked.internal_domains)
    )
    public = _public(row, checked.internal_domains)
    await uow.commit()
    log.info(
        "smtp settings saved",
        extra={
            "tenant_id": admin.tenant_id,
            "updated_by": admin.user_id,
            "smtp_host": checked.host,
            "smtp_port": body.port,
            "password_change": password_change(body),
        },
    )
    return public


def _public(row: EmailSettings, internal_domains: list[str]) -> EmailSettingsPublic:
    has_password = row.password_encrypted is not None
    return EmailSettingsPublic(
        host=row.host,
        port=row.port,
        security=row.security,
        username=row.username,
        has_password=has_password,
        from_email=row.from_email,
        from_name=row.from_name,
        reply_to=row.reply_to,
        timeout_seconds=row.timeout_seconds,
        max_attachment_mb=row.max_attachment_mb,
        delivery=_delivery(row.delivery),
        link_ttl_days=row.link_ttl_days,
        internal_domains=internal_domains,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
        warnings=transport_warnings(
            row.security, row.port, has_credentials=has_password or bool(row.username)
        ),
    )


def _delivery(stored: dict[str, Any]) -> DeliveryModes:
    # Keys this version does not know (a newer format, say) are ignored, not an error.
    return DeliveryModes.model_validate(
        {name: stored[name] for name in DeliveryModes.model_fields if name in stored}
    )


def _blank_to_none(value: str | None) -> str | None:
    """A form's empty optional field means "not set"."""
    return value if value is not None and value.strip() else None


def _header_safe(text: str) -> str:
    if contains_header_unsafe(text):
        raise ValueError("must not contain line breaks or other control characters")
    return text
