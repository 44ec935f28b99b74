"""The mail-service when SMTP servers refuse or stay silent: retries and permanent failures."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
from mail_service.handlers import reconcile

from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.smtp_kit import SilentSmtpServer

from .mailing import audit_rows, configure_smtp, email_row, mail_infra, mail_worker, queue_email

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory


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
