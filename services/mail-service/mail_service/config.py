"""The SMTP settings an email is sent with: the tenant's stored row, or a test's unsaved values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from shared.infra.crypto import SecretBox
from shared.infra.db.models import Email, EmailSettings

from .compose import Sender
from .delivery import DeliveryRule
from .smtp import SmtpTarget


@dataclass(frozen=True)
class SmtpConfig:
    target: SmtpTarget
    sender: Sender
    rule: DeliveryRule


def smtp_config(values: dict[str, Any], password: str | None) -> SmtpConfig:
    """SMTP settings from a stored row's or a test request's values."""
    target = SmtpTarget(
        host=values["host"],
        port=int(values["port"]),
        security=values["security"],
        username=values.get("username") or None,
        password=password,
        timeout=float(values.get("timeout_seconds") or 30),
    )
    sender = Sender(values["from_email"], values.get("from_name"), values.get("reply_to"))
    rule = DeliveryRule(
        max_attachment_bytes=int(values.get("max_attachment_mb") or 10) * 1024 * 1024,
        per_format=dict(values.get("delivery") or {}),
        link_ttl_days=int(values.get("link_ttl_days") or 7),
    )
    return SmtpConfig(target, sender, rule)


def stored_config(row: EmailSettings, box: SecretBox) -> SmtpConfig:
    password = box.decrypt(row.password_encrypted) if row.password_encrypted else None
    values = {c.key: getattr(row, c.key) for c in EmailSettings.__table__.columns}
    return smtp_config(values, password)


def override_config(email: Email, box: SecretBox) -> SmtpConfig:
    """A test send's unsaved settings, kept encrypted on the email while it is pending."""
    assert email.smtp_override is not None
    values = json.loads(box.decrypt(email.smtp_override))
    return smtp_config(values, values.get("password"))
