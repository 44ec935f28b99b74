"""The mail-service and the SMTP password: never logged, still usable after key rotation."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from shared.infra.crypto import SecretBox, rotate_stored_secrets
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump

from .mailing import (
    SMTP_PASSWORD,
    SMTP_USER,
    audit_rows,
    configure_smtp,
    email_row,
    mail_infra,
    mail_worker,
    queue_email,
)

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory


async def test_the_password_never_appears_in_logs_or_audit(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    sink = await smtp_sinks("starttls", auth=(SMTP_USER, "not-the-password"))
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)  # stores SMTP_PASSWORD: the login fails
    email_id = await queue_email(infra, tenant_id)
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    [audit] = await audit_rows(infra, email_id)
    assert audit.error_class == "auth"
    assert SMTP_PASSWORD not in caplog.text
    assert SMTP_PASSWORD not in repr(vars(audit))
    assert SMTP_PASSWORD not in repr(vars(await email_row(infra, email_id)))


async def test_key_rotation_keeps_smtp_settings_usable(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from cryptography.fernet import Fernet

    sink = await smtp_sinks("ssl", auth=(SMTP_USER, SMTP_PASSWORD))
    old_key = infra.settings.encryption_key_list[0]
    new_key = Fernet.generate_key().decode()
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)  # encrypted with the old key
    assert await rotate_stored_secrets(infra.uow(), SecretBox([new_key, old_key]), tenant_id) == 1

    rotated = mail_infra(infra, sink, encryption_keys=new_key)  # the old key is gone
    email_id = await queue_email(rotated, tenant_id)
    consumer, _ = mail_worker(rotated)
    await pump(consumer)
    assert (await email_row(rotated, email_id)).status == "sent"
    [received] = await sink.wait_for_messages(1)
    assert received.login == SMTP_USER
