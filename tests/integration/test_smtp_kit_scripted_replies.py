"""The SMTP kit's scripts: refusals at MAIL, RCPT and DATA, refused recipients, a silent server."""

from __future__ import annotations

import asyncio
import time

import aiosmtplib
import pytest

from tests.smtp_kit import SilentSmtpServer, SmtpSink, smtp_reply, smtp_sink

from .smtp_kit_helpers import PASSWORD, USER, client, make_message


async def test_421_then_accept() -> None:
    async with smtp_sink("starttls", auth=(USER, PASSWORD), data_replies=[421]) as sink:
        async with client(sink, username=USER, password=PASSWORD) as smtp:
            with pytest.raises(aiosmtplib.SMTPResponseException) as first:
                await smtp.send_message(make_message())
            assert first.value.code == 421
            assert not smtp.is_connected  # 421 closes the channel
        async with client(sink, username=USER, password=PASSWORD) as smtp:
            await smtp.send_message(make_message(subject="second try"))
        (received,) = await sink.wait_for_messages(1)
    assert received.message["Subject"] == "second try"
    assert len(sink.messages) == 1
    assert sink.commands["DATA"] == 2
    assert sink.connection_count == 2


async def test_451_then_accept_on_the_same_connection() -> None:
    async with smtp_sink(data_replies=["451 4.7.1 Greylisted, come back later"]) as sink:
        async with client(sink) as smtp:
            with pytest.raises(aiosmtplib.SMTPDataError) as first:
                await smtp.send_message(make_message())
            assert (first.value.code, first.value.message) == (
                451,
                "4.7.1 Greylisted, come back later",
            )
            await smtp.send_message(make_message())
        await sink.wait_for_messages(1)
    assert sink.connection_count == 1


async def test_mail_and_rcpt_scripts() -> None:
    async with smtp_sink(mail_replies=[451], rcpt_replies=[452]) as sink, client(sink) as smtp:
        with pytest.raises(aiosmtplib.SMTPSenderRefused) as mail:
            await smtp.send_message(make_message())
        assert mail.value.code == 451
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as rcpt:
            await smtp.send_message(make_message())
        assert [r.code for r in rcpt.value.recipients] == [452]
        await smtp.send_message(make_message())
        await sink.wait_for_messages(1)
    assert (sink.commands["MAIL"], sink.commands["RCPT"], sink.commands["DATA"]) == (3, 2, 1)


async def test_550_always() -> None:
    async with smtp_sink(reject_data=550) as sink, client(sink) as smtp:
        for _ in range(2):
            with pytest.raises(aiosmtplib.SMTPDataError) as rejected:
                await smtp.send_message(make_message())
            assert rejected.value.code == 550
    assert sink.messages == []
    assert sink.commands["DATA"] == 2


async def test_one_refused_recipient_among_several() -> None:
    async with smtp_sink(refuse_recipients={"Gone@Acme.in"}) as sink, client(sink) as smtp:
        errors, _ = await smtp.send_message(
            make_message("owner@acme.in, gone@acme.in", cc="ca@firm.in")
        )
        (received,) = await sink.wait_for_messages(1)
    assert set(errors) == {"gone@acme.in"}
    assert errors["gone@acme.in"].code == 550
    assert received.rcpt_tos == ("owner@acme.in", "ca@firm.in")


async def test_all_recipients_refused() -> None:
    async with smtp_sink(refuse_recipients={"gone@acme.in"}) as sink, client(sink) as smtp:
        with pytest.raises(aiosmtplib.SMTPRecipientsRefused):
            await smtp.send_message(make_message("gone@acme.in"))
    assert sink.messages == []


async def test_live_script_changes() -> None:
    async with smtp_sink() as sink, client(sink) as smtp:
        await smtp.send_message(make_message())
        sink.data_replies.append(451)
        with pytest.raises(aiosmtplib.SMTPDataError):
            await smtp.send_message(make_message())
        await smtp.send_message(make_message())
    assert len(sink.messages) == 2


def test_scripted_replies_are_validated() -> None:
    assert smtp_reply(421).startswith("421 4.3.2 ")
    assert smtp_reply(599) == "599 Scripted failure"
    for bad in (250, "250 OK", "hello", "451\r\n250 OK"):
        with pytest.raises(ValueError, match="4xx/5xx"):
            smtp_reply(bad)
    with pytest.raises(ValueError, match="4xx/5xx"):
        SmtpSink(data_replies=[354])
    with pytest.raises(ValueError, match="require_starttls"):
        SmtpSink("ssl", require_starttls=True)


async def test_silent_server_times_out_the_client() -> None:
    timeout = 0.5
    async with SilentSmtpServer() as silent:
        smtp = aiosmtplib.SMTP(hostname=silent.host, port=silent.port, timeout=timeout)
        started = time.monotonic()
        with pytest.raises(aiosmtplib.SMTPTimeoutError):
            await smtp.connect()
        elapsed = time.monotonic() - started
        assert not smtp.is_connected
        assert silent.connection_count == 1
    assert elapsed < timeout + 1


async def test_silent_server_closes_connections_left_open() -> None:
    """Stopping with a client still connected (and waiting) ends cleanly on both sides."""
    async with SilentSmtpServer() as silent:
        reader, writer = await asyncio.open_connection(silent.host, silent.port)
        await silent.wait_for_connections(1)
    assert await asyncio.wait_for(reader.read(), timeout=5) == b""
    writer.close()
    await writer.wait_closed()
