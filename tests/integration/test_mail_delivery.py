"""The mail-service delivering to real SMTP servers: TLS variants, attachment or link, reuse."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest

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
    stored_export,
)

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory


MB = 1024 * 1024


async def test_settings_saved_with_a_cleartext_login_are_not_used_outside_development(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    # Saved before the gateway refused them: the password must still not cross in clear.
    sink = await smtp_sinks("plain", auth=(SMTP_USER, SMTP_PASSWORD))
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, to=["party@example.in"])
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    email = await email_row(infra, email_id)
    assert email.status == "failed"
    assert email.error is not None and "unencrypted" in email.error
    [audit] = await audit_rows(infra, email_id)
    assert audit.error_class == "config"
    assert sink.messages == [] and sink.connection_count == 0  # never even connected


@pytest.mark.parametrize("security", ["plain", "starttls", "ssl"])
async def test_sends_with_auth_to_cc_and_blind_copies(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory, security: str
) -> None:
    sink = await smtp_sinks(security, auth=(SMTP_USER, SMTP_PASSWORD))
    # A login over an unencrypted connection is only allowed to loopback in development.
    infra = mail_infra(infra, sink, app_env="development" if security == "plain" else "test")
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
