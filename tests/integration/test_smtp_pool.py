"""The SMTP pool against real servers: which failures blame the server, and test sends' slots."""

from __future__ import annotations

import asyncio
import socket
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pytest
from mail_service.failures import SendFailure
from mail_service.smtp import SmtpPool, SmtpTarget

from shared.domain.smtp_servers import ServerRules
from tests.conftest import wait_until

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory


RULES = ServerRules.parse("127.0.0.1")  # the sinks listen there


def _target(port: int, timeout: float = 5.0) -> SmtpTarget:
    return SmtpTarget("127.0.0.1", port, "none", None, None, timeout)


def _message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.in", "b@example.in", "Hi"
    message.set_content("Statement attached.\n")
    return message


async def _send(pool: SmtpPool, target: SmtpTarget, *, limited: bool = True) -> object:
    return await pool.send(
        target, _message(), "a@example.in", ["b@example.in"], 10, limited=limited
    )


async def _send_to(pool: SmtpPool, target: SmtpTarget) -> object:
    try:
        return await _send(pool, target)
    finally:
        await pool.close()


async def test_a_refused_connection_blames_the_server() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SendFailure) as failed:
        await _send(SmtpPool(None, 30, rules=RULES), _target(port))
    assert (failed.value.error_class, failed.value.at_connect) == ("connection_refused", True)


async def test_a_server_silent_after_data_blames_the_message_not_the_server(
    smtp_sinks: SinkFactory,
) -> None:
    sink = await smtp_sinks("plain")
    sink.data_gate = asyncio.Event()  # never released: the server goes quiet after DATA
    with pytest.raises(SendFailure) as failed:
        await _send(SmtpPool(None, 30, rules=RULES), _target(sink.port, timeout=0.5))
    assert (failed.value.error_class, failed.value.at_connect) == ("timeout", False)


async def test_a_test_send_does_not_queue_behind_a_batch_holding_the_servers_slots(
    smtp_sinks: SinkFactory,
) -> None:
    sink = await smtp_sinks("plain")
    sink.data_gate = asyncio.Event()
    pool = SmtpPool(None, 30, per_server=1, rules=RULES)
    batch = asyncio.create_task(_send(pool, _target(sink.port, timeout=10)))

    async def commands(name: str, count: int) -> bool:
        return sink.commands[name] == count

    try:
        await wait_until(lambda: commands("DATA", 1), what="the only slot taken")
        test_send = asyncio.create_task(_send(pool, _target(sink.port), limited=False))
        await wait_until(lambda: commands("MAIL", 2), what="the test send at the server")
        sink.data_gate.set()
        await asyncio.gather(batch, test_send)
    finally:
        sink.data_gate.set()
        await pool.close()
    assert len(await sink.wait_for_messages(2)) == 2


async def test_a_server_without_auth_is_not_called_a_tls_failure(
    smtp_sinks: SinkFactory,
) -> None:
    sink = await smtp_sinks("plain")  # no `auth`: AUTH is never advertised
    target = SmtpTarget("127.0.0.1", sink.port, "none", "mailer", "pw", 5.0)
    # A cleartext login is allowed to loopback in development only: that is this one.
    pool = SmtpPool(None, 30, rules=ServerRules.parse("127.0.0.1", development=True))
    with pytest.raises(SendFailure) as failed:
        await _send_to(pool, target)
    failure = failed.value
    assert (failure.error_class, failure.permanent, failure.at_connect) == (
        "auth_unsupported",
        True,
        True,
    )
    assert failure.reason == (
        f"the server at 127.0.0.1:{sink.port} does not offer a login (no AUTH); many offer "
        "one only over an encrypted connection (starttls or ssl)"
    )
    assert sink.messages == []
