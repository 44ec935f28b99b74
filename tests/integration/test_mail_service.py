"""The mail-service against real SMTP servers (plain, STARTTLS, implicit TLS, failures)."""

from __future__ import annotations

import logging
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from mail_service.handlers import reconcile
from sqlalchemy import update

from shared import emails
from shared.crypto import SecretBox, rotate_stored_secrets
from shared.db.models import Email
from shared.events import EmailRequested
from shared.runtime import Infrastructure
from tests.conftest import Pump
from tests.smtp_kit import SilentSmtpServer

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

from .mailing import (
    SMTP_PASSWORD,
    SMTP_USER,
    audit_rows,
    configure_smtp,
    email_row,
    mail_infra,
    mail_worker,
    queue_email,
    stored_export,
)

MB = 1024 * 1024


@pytest.mark.parametrize("security", ["plain", "starttls", "ssl"])
async def test_sends_with_auth_to_cc_and_blind_copies(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory, security: str
) -> None:
    sink = await smtp_sinks(security, auth=(SMTP_USER, SMTP_PASSWORD))
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    job = await stored_export(infra, tenant_id, "csv", 2048)
    email_id = await queue_email(
        infra,
        tenant_id,
        job_id=job,
        to=["party@example.in"],
        cc=["cc@example.in"],
        bcc=["hidden@example.in"],
    )
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    [received] = await sink.wait_for_messages(1)
    message = received.message
    assert received.login == SMTP_USER
    assert received.tls == (security != "plain")
    assert set(received.rcpt_tos) == {"party@example.in", "cc@example.in", "hidden@example.in"}
    assert "hidden@example.in" not in received.data.decode()  # BCC never in the headers
    [sender] = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Sharma & Sons Accounts",
        "reports@example.in",
    )
    assert message["Reply-To"] == "accounts@example.in"
    assert message["Cc"] == "cc@example.in"
    email = await email_row(infra, email_id)
    assert message["Message-ID"] == email.message_id
    assert {part.get_content_type() for part in message.walk()} >= {
        "text/plain",
        "text/html",
        "text/csv",
    }
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Ledger_Test.csv"
    assert len(attachment.get_content()) == 2048
    assert (email.status, email.attempts) == ("sent", 1)
    [audit] = await audit_rows(infra, email_id)
    assert (audit.status, audit.smtp_code, audit.delivery_mode) == ("sent", 250, "attachment")
    assert (audit.attachment_name, audit.attachment_size) == ("Ledger_Test.csv", 2048)
    assert audit.duration_ms is not None


@pytest.mark.parametrize("code", [421, 451])
async def test_a_temporary_refusal_is_retried_and_delivered_once(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory, code: int
) -> None:
    sink = await smtp_sinks("plain", data_replies=[code])
    infra = mail_infra(infra, sink, mail_retry_base_seconds=0.001, mail_retry_max_seconds=0.002)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, trigger="scheduled", max_attempts=5)
    consumer, deps = mail_worker(infra)

    await pump(consumer)
    waiting = await email_row(infra, email_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert waiting.next_attempt_at is not None

    assert await reconcile(deps) == 1  # the retry is due: announced again
    await pump(consumer)

    assert len(await sink.wait_for_messages(1)) == 1
    assert (await email_row(infra, email_id)).status == "sent"
    assert [(a.status, a.smtp_code) for a in await audit_rows(infra, email_id)] == [
        ("retrying", code),
        ("sent", 250),
    ]


async def test_a_permanent_refusal_is_not_retried(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", reject_data=550)
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, trigger="scheduled", max_attempts=5)
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    await reconcile(deps)
    await pump(consumer)

    email = await email_row(infra, email_id)
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.error is not None and email.error.startswith("the server answered 550")
    [audit] = await audit_rows(infra, email_id)
    assert (audit.status, audit.error_class, audit.smtp_code) == ("failed", "smtp_5xx", 550)
    assert sink.messages == []


async def test_a_server_that_never_answers_times_out_within_the_deadline(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    async with SilentSmtpServer() as silent:
        sink_like = type(
            "S", (), {"host": silent.host, "port": silent.port, "security": "plain", "auth": None}
        )
        await configure_smtp(infra, tenant_id, sink_like, timeout_seconds=1)  # type: ignore[arg-type]
        email_id = await queue_email(infra, tenant_id)
        consumer, _ = mail_worker(infra)
        started = time.monotonic()
        await pump(consumer)
        elapsed = time.monotonic() - started
    email = await email_row(infra, email_id)
    assert email.status == "failed"
    [audit] = await audit_rows(infra, email_id)
    assert audit.error_class == "timeout"
    assert "did not answer within 1 s" in (audit.error or "")
    assert elapsed < 4


async def test_one_refused_recipient_among_several_is_recorded(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", refuse_recipients={"gone@example.in"})
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, to=["party@example.in", "gone@example.in"])
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    [received] = await sink.wait_for_messages(1)
    assert received.rcpt_tos == ("party@example.in",)
    [audit] = await audit_rows(infra, email_id)
    assert audit.status == "sent"
    assert audit.refused_recipients is not None
    assert list(audit.refused_recipients) == ["gone@example.in"]
    assert audit.refused_recipients["gone@example.in"].startswith("550")


async def test_every_recipient_refused_is_a_permanent_failure(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", refuse_recipients={"gone@example.in"})
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(
        infra, tenant_id, to=["gone@example.in"], trigger="scheduled", max_attempts=5
    )
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    assert email.status == "failed"
    [audit] = await audit_rows(infra, email_id)
    assert audit.error_class == "recipients_refused"


@pytest.mark.parametrize(("size", "mode"), [(MB, "attachment"), (MB + 1, "link")])
async def test_attachment_or_link_at_the_size_limit(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory, size: int, mode: str
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink, max_attachment_mb=1)
    job = await stored_export(infra, tenant_id, "csv", size)
    email_id = await queue_email(infra, tenant_id, job_id=job)
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    [received] = await sink.wait_for_messages(1)
    attachments = list(received.message.iter_attachments())
    text = received.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    [audit] = await audit_rows(infra, email_id)
    assert audit.delivery_mode == mode
    if mode == "attachment":
        assert len(attachments) == 1 and len(attachments[0].get_content()) == MB
    else:
        assert attachments == []
        assert f"{infra.settings.public_base_url}/api/v1/files/" in text
        assert "the file is 1 MB, above the 1 MB attachment limit" in text


async def test_xlsx_goes_as_a_link_by_default(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(
        infra, tenant_id, job_id=await stored_export(infra, tenant_id, "xlsx", 100)
    )
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    [received] = await sink.wait_for_messages(1)
    assert list(received.message.iter_attachments()) == []
    assert [a.delivery_mode for a in await audit_rows(infra, email_id)] == ["link"]


async def test_a_duplicated_request_sends_once(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id)
    async with infra.uow() as uow:
        uow.publish(EmailRequested(tenant_id=tenant_id, email_id=email_id))
        await uow.commit()
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    assert len(sink.messages) == 1
    assert len(await audit_rows(infra, email_id)) == 1


async def test_a_mail_worker_killed_mid_send_is_taken_over_with_the_same_message_id(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id)
    # A worker claims the email and dies before answering: the live lease is respected ...
    async with infra.uow() as uow:
        assert await emails.claim_email(uow, email_id, timedelta(minutes=2)) is not None
        await uow.commit()
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    assert sink.messages == []
    # ... until it runs out; then the reconciliation hands the email to a live worker.
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Email)
            .where(Email.id == email_id)
            .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.commit()
    assert await reconcile(deps) == 1
    await pump(consumer)
    [received] = await sink.wait_for_messages(1)
    email = await email_row(infra, email_id)
    assert (email.status, email.attempts) == ("sent", 2)
    assert received.message["Message-ID"] == email.message_id


async def test_a_failed_export_fails_its_email_with_the_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from shared.db.models import ExportJob

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    job = await stored_export(infra, tenant_id, "csv", 10)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job)
            .values(status="failed", error="ledger: gone")
        )
        await uow.commit()
    email_id = await queue_email(infra, tenant_id, job_id=job)
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    assert (email.status, email.error) == (
        "failed",
        "the report could not be produced: ledger: gone",
    )
    assert sink.messages == []


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


@pytest.mark.parametrize("per_server", [1, 3])
async def test_a_batch_to_one_server_reuses_its_few_connections(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory, per_server: int
) -> None:
    sink = await smtp_sinks("starttls", auth=(SMTP_USER, SMTP_PASSWORD))
    infra = mail_infra(infra, sink, mail_connections_per_server=per_server)
    await configure_smtp(infra, tenant_id, sink)
    consumer, _ = mail_worker(infra)
    for _ in range(8):
        await queue_email(infra, tenant_id)
    await pump(consumer)
    first = Counter(m.connection for m in await sink.wait_for_messages(8))
    assert len(first) == per_server  # the batch shares `per_server` connections ...
    for _ in range(4):
        await queue_email(infra, tenant_id)
    await pump(consumer)
    later = Counter(m.connection for m in (await sink.wait_for_messages(12))[8:])
    assert set(later) <= set(first)  # ... and the next batch reuses them


async def test_a_vanished_report_file_fails_the_email_instead_of_looping(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from shared.storage import LocalStorage

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    job = await stored_export(infra, tenant_id, "csv", 100)
    for path in LocalStorage(infra.settings.export_dir).root.rglob(f"{job}*"):
        path.unlink()  # the cleanup (or a disk problem) took the file
    email_id = await queue_email(infra, tenant_id, job_id=job)
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    assert email.status == "failed"
    assert email.error is not None and email.error.startswith("the message could not be built")
    assert [a.status for a in await audit_rows(infra, email_id)] == ["failed"]
    assert sink.messages == []
