"""The SMTP kit's envelope, connection counting, waiting, stopping, and its fixtures."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import aiosmtplib
import pytest

from tests.smtp_kit import Security, SilentSmtpServer, SmtpSink, smtp_sink

from .smtp_kit_helpers import PASSWORD, USER, client, make_message

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory


# Until tests/conftest.py lists it, the kit's fixtures are loaded here (names: smtp_sinks,
# silent_smtp). Imported by name only, so pytest can assert-rewrite it.
pytest_plugins = ["tests.smtp_kit.fixtures"]


async def test_bcc_is_in_the_envelope_only() -> None:
    recipients = ["owner@acme.in", "ca@firm.in", "audit@ledgerpost.test"]
    async with smtp_sink() as sink, client(sink) as smtp:
        await smtp.send_message(
            make_message("owner@acme.in", cc="ca@firm.in"), recipients=recipients
        )
        (received,) = await sink.wait_for_messages(1)
    assert list(received.rcpt_tos) == recipients
    assert "Bcc" not in received.message
    assert b"audit@ledgerpost.test" not in received.data


async def test_connection_count() -> None:
    async with smtp_sink("starttls") as sink:
        for n in (1, 2):
            async with client(sink) as smtp:
                await smtp.send_message(make_message())
            assert sink.connection_count == n
        sink.clear()
        assert (sink.connection_count, sink.messages) == (0, [])

        async with client(sink) as smtp:
            await smtp.send_message(make_message(subject="one"))
            await smtp.send_message(make_message(subject="two"))
        received = await sink.wait_for_messages(2)
    assert sink.connection_count == 1
    assert [m.connection for m in received] == [1, 1]
    assert [m.message["Subject"] for m in received] == ["one", "two"]


async def test_wait_for_messages_wakes_up_and_times_out() -> None:
    async with smtp_sink() as sink:
        waiter = asyncio.create_task(sink.wait_for_messages(2, timeout=5))
        async with client(sink) as smtp:
            await smtp.send_message(make_message())
            assert not waiter.done()
            await smtp.send_message(make_message())
        assert len(await waiter) == 2

        started = time.monotonic()
        with pytest.raises(AssertionError, match="waiting for 3 message"):
            await sink.wait_for_messages(3, timeout=0.2)
        assert time.monotonic() - started < 1.2


@pytest.mark.parametrize("security", ["plain", "starttls", "ssl"])
async def test_stop_closes_connections_left_open(security: Security) -> None:
    sink = await SmtpSink(security).start()
    smtp = client(sink)
    await smtp.connect()
    await smtp.noop()
    await sink.stop()
    assert sink.port > 0
    with pytest.raises(aiosmtplib.SMTPServerDisconnected):
        await smtp.noop()
    smtp.close()
    with pytest.raises(OSError):  # nobody listens any more
        await aiosmtplib.SMTP(hostname=sink.host, port=sink.port, timeout=5).connect()


async def test_fixtures(smtp_sinks: SinkFactory, silent_smtp: SilentSmtpServer) -> None:
    first = await smtp_sinks()
    second = await smtp_sinks("ssl", auth=(USER, PASSWORD))
    assert first.port != second.port
    async with client(second, username=USER, password=PASSWORD) as smtp:
        await smtp.send_message(make_message())
    await second.wait_for_messages(1)
    assert silent_smtp.port > 0
