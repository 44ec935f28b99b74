"""The admin's "send test email" button: saved or unsaved settings, answered within the timeout.

The gateway never talks SMTP: it queues a `test` email carrying a snapshot of the settings to
try (encrypted, password included) and waits for the mail-service's verdict, which it reads
from the email and its audit row.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import select

from api_gateway.exports.schemas import EmailTestStatusField
from api_gateway.http.problems import field_error
from api_gateway.smtp_settings.credentials import (
    check_host,
    check_login_transport,
    password_to_try,
    server_rules,
    stored_password,
)
from api_gateway.smtp_settings.schemas import SmtpSecurity
from shared.domain import emails
from shared.domain.addresses import (
    AddressField,
    BlankOrAddressField,
    InvalidAddressError,
    contains_header_unsafe,
    normalize_address,
    normalize_hostname,
)
from shared.domain.smtp_servers import ServerRules
from shared.infra.crypto import SecretBox
from shared.infra.db.models import Email, EmailAudit, EmailSettings
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.infra.tokens import Principal
from shared.states import EmailStatus, EmailTestStatus

POLL_SECONDS = 0.1
# The email states that answer a test (a test email is never rejected: it has no report).
_VERDICTS = frozenset({EmailStatus.SENT, EmailStatus.FAILED})
TEST_SUBJECT = "LedgerPost test email"
TEST_BODY = (
    "This is a test message from LedgerPost.\n\n"
    "If you can read it, report emails will reach their recipients through this SMTP server."
)


class SmtpTestSettings(BaseModel):
    """Unsaved settings to try; `password` omitted means the stored one."""

    model_config = ConfigDict(extra="ignore")

    host: str = Field(min_length=1, max_length=253)
    port: int = Field(ge=1, le=65535)
    security: SmtpSecurity = "starttls"
    username: str | None = Field(default=None, max_length=320)
    password: SecretStr | None = Field(default=None, max_length=1024)
    from_email: AddressField
    from_name: str | None = Field(default=None, max_length=200)
    reply_to: BlankOrAddressField | None = None
    timeout_seconds: int = Field(default=30, ge=1, le=120)

    @property
    def password_given(self) -> bool:
        """True when the body carried `password` (a string or null), False when omitted."""
        return "password" in self.model_fields_set


class EmailTestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: AddressField
    settings: SmtpTestSettings | None = None


class EmailTestResult(BaseModel):
    ok: bool
    status: EmailTestStatusField
    smtp_code: int | None = None
    smtp_reply: str | None = None
    error_class: str | None = None
    reason: str | None = None
    email_id: uuid.UUID
    duration_ms: int | None = None


def _valid(field: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalize_address(value)
    except InvalidAddressError as exc:
        raise field_error(field, str(exc)) from None


async def _values_to_try(
    session: Any,
    tenant_id: str,
    box: SecretBox,
    rules: ServerRules,
    unsaved: SmtpTestSettings | None,
) -> dict[str, Any]:
    stored = await session.scalar(select(EmailSettings).where(EmailSettings.tenant_id == tenant_id))
    if unsaved is None:
        if stored is None:
            raise field_error(
                "settings",
                "SMTP is not configured yet: save settings or send them",
                409,
                code="smtp_not_configured",
            )
        # Saved before the rule existed, perhaps: the mail-service would refuse it too.
        check_login_transport(rules, stored.host, stored.security, stored.username, prefix="")
        values = {c.key: getattr(stored, c.key) for c in EmailSettings.__table__.columns}
        values = {k: v for k, v in values.items() if k not in ("password_encrypted", "updated_at")}
        return {**values, "password": stored_password(stored, box)}
    values = unsaved.model_dump(exclude={"password"})
    values["from_email"] = _valid("settings.from_email", unsaved.from_email)
    values["reply_to"] = _valid("settings.reply_to", unsaved.reply_to)
    try:
        values["host"] = normalize_hostname(unsaved.host)
    except ValueError as exc:
        raise field_error("settings.host", str(exc)) from None
    for name in ("from_name", "username"):
        if values.get(name) and contains_header_unsafe(values[name]):
            raise field_error(
                f"settings.{name}", "line breaks and control characters are not allowed"
            )
    login = values.get("username") or None
    password = password_to_try(
        unsaved, stored, box, values["host"], login, field="settings.password"
    )
    check_login_transport(rules, values["host"], unsaved.security, login, prefix="settings.")
    await check_host(
        rules, values["host"], unsaved.port, within=unsaved.timeout_seconds, field="settings.host"
    )
    return {**values, "password": password}


async def run_test_email(
    infra: Infrastructure, settings: Settings, admin: Principal, request: EmailTestRequest
) -> EmailTestResult:
    to = _valid("to", request.to)
    assert to is not None
    box = SecretBox(settings.encryption_key_list)
    async with infra.uow() as uow:
        values = await _values_to_try(
            uow.session, admin.tenant_id, box, server_rules(settings), request.settings
        )
        email = emails.create_email(
            uow,
            emails.NewEmail(
                tenant_id=admin.tenant_id,
                requested_by=admin.user_id,
                trigger="test",
                subject=TEST_SUBJECT,
                body=TEST_BODY,
                to=[to],
                smtp_override=box.encrypt(json.dumps(values, default=str)),
            ),
            message_domain=values["from_email"].rpartition("@")[2],
        )
        await uow.commit()
    wait = float(values.get("timeout_seconds") or 30) + settings.mail_test_wait_margin_seconds
    return await _await_verdict(infra, email.id, wait)


async def _await_verdict(
    infra: Infrastructure, email_id: uuid.UUID, wait: float
) -> EmailTestResult:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while True:
        async with infra.sessions() as session:
            email = await session.scalar(select(Email).where(Email.id == email_id))
            audit = await session.scalar(
                select(EmailAudit)
                .where(EmailAudit.email_id == email_id)
                .order_by(EmailAudit.created_at.desc())
                .limit(1)
            )
        assert email is not None
        if email.status in _VERDICTS or loop.time() > deadline:
            break
        await asyncio.sleep(POLL_SECONDS)  # polling the row, bounded by the deadline
    if email.status not in _VERDICTS:
        return EmailTestResult(
            ok=False,
            status=EmailTestStatus.PENDING,
            reason=f"the mail service did not answer within {wait:g} s; is it running?",
            email_id=email_id,
        )
    return EmailTestResult(
        ok=email.status == EmailStatus.SENT,
        status=EmailTestStatus(email.status),
        smtp_code=audit.smtp_code if audit else None,
        smtp_reply=audit.smtp_reply if audit else None,
        error_class=audit.error_class if audit else None,
        reason=email.error,
        email_id=email_id,
        duration_ms=audit.duration_ms if audit else None,
    )
