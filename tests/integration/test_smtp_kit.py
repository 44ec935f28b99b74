"""The SMTP kit's own tests, driven with aiosmtplib as the mail-service drives real servers."""

from __future__ import annotations

import asyncio
import ssl
import time
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import aiosmtplib
import pytest

from tests.smtp_kit import Security, SilentSmtpServer, SmtpSink, smtp_reply, smtp_sink

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

# Until tests/conftest.py lists it, the kit's fixtures are loaded here (names: smtp_sinks,
# silent_smtp). Imported by name only, so pytest can assert-rewrite it.
pytest_plugins = ["tests.smtp_kit.fixtures"]

USER, PASSWORD = "mailer", "s3cret"
SENDER = "reports@ledgerpost.test"


def make_message(
    to: str = "owner@acme.in", *, cc: str | None = None, subject: str = "GSTR-1 export"
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg.set_content("Your report is ready.\n")
    return msg


def client(sink: SmtpSink, **options: Any) -> aiosmtplib.SMTP:
    """An aiosmtplib client for `sink`; TLS variants verify the sink's certificate."""
    tls: dict[str, Any]
    if sink.security == "starttls":
        tls = {"start_tls": True, "tls_context": sink.client_tls_context()}
    elif sink.security == "ssl":
        tls = {"use_tls": True, "tls_context": sink.client_tls_context()}
    else:
        tls = {"start_tls": False}
    return aiosmtplib.SMTP(
        hostname=sink.host,
        port=sink.port,
        timeout=5,
        **tls,
        **options,
    )


# -- the three security variants ---------------------------------------------------------------


async def test_plain_send_is_captured() -> None:
    async with smtp_sink() as sink:
        assert sink.cafile is None
        async with client(sink) as smtp:
            errors, _ = await smtp.send_message(make_message())
        assert errors == {}
        (received,) = await sink.wait_for_messages(1)
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ("owner@acme.in",)
    assert received.login is None
    assert received.tls is False
    assert received.message["Subject"] == "GSTR-1 export"
    assert received.message.get_content() == "Your report is ready.\n"
    assert sink.connection_count == 1


async def test_starttls_with_auth_verifies_the_certificate() -> None:
    async with smtp_sink("starttls", auth=(USER, PASSWORD)) as sink:
        assert sink.cafile is not None and sink.cafile.is_file()
        async with client(sink, username=USER, password=PASSWORD) as smtp:
            assert smtp.is_ehlo_or_helo_needed is False
            await smtp.send_message(make_message())
        (received,) = await sink.wait_for_messages(1)
        cert_dir = sink.cafile.parent
    assert received.login == USER
    assert received.tls is True
    assert not cert_dir.exists(), "the generated certificate is removed at stop"


async def test_starttls_hides_auth_before_tls() -> None:
    async with (
        smtp_sink("starttls", auth=(USER, PASSWORD)) as sink,
        aiosmtplib.SMTP(hostname=sink.host, port=sink.port, start_tls=False, timeout=5) as smtp,
    ):
        await smtp.ehlo()
        assert smtp.supports_extension("starttls")
        assert not smtp.supports_extension("auth")
        await smtp.starttls(tls_context=sink.client_tls_context())
        await smtp.ehlo()
        assert smtp.supports_extension("auth")


async def test_require_starttls_refuses_mail_before_tls() -> None:
    async with (
        smtp_sink("starttls", require_starttls=True) as sink,
        aiosmtplib.SMTP(hostname=sink.host, port=sink.port, start_tls=False, timeout=5) as smtp,
    ):
        with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
            await smtp.send_message(make_message())
        assert refused.value.code == 530
        await smtp.starttls(tls_context=sink.client_tls_context())
        await smtp.send_message(make_message())
        (received,) = await sink.wait_for_messages(1)
    assert received.tls is True


async def test_implicit_tls_with_auth() -> None:
    async with smtp_sink("ssl", auth=(USER, PASSWORD)) as sink:
        async with client(sink, username=USER, password=PASSWORD) as smtp:
            await smtp.send_message(make_message())
        (received,) = await sink.wait_for_messages(1)
    assert received.login == USER
    assert received.tls is True


async def test_certificate_is_really_verified() -> None:
    """Without the kit's CA a verifying client refuses the sink: the check is not a no-op."""
    async with smtp_sink("ssl") as sink:
        smtp = aiosmtplib.SMTP(
            hostname=sink.host,
            port=sink.port,
            use_tls=True,
            tls_context=ssl.create_default_context(),
            timeout=5,
        )
        with pytest.raises(aiosmtplib.SMTPConnectError) as failed:
            await smtp.connect()
        assert isinstance(failed.value.__cause__, ssl.SSLCertVerificationError)
        # ...while "localhost" verifies as well as 127.0.0.1.
        async with aiosmtplib.SMTP(
            hostname="localhost",
            port=sink.port,
            use_tls=True,
            tls_context=sink.client_tls_context(),
            timeout=5,
        ) as verified:
            await verified.noop()


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
async def test_auth_mechanisms_and_wrong_password(mechanism: str) -> None:
    async with smtp_sink("starttls", auth=(USER, PASSWORD)) as sink, client(sink) as smtp:
        await smtp.ehlo()  # the explicit auth_* methods skip aiosmtplib's EHLO-after-STARTTLS
        login = smtp.auth_plain if mechanism == "PLAIN" else smtp.auth_login
        with pytest.raises(aiosmtplib.SMTPAuthenticationError) as wrong:
            await login(USER, "wrong")
        assert wrong.value.code == 535
        response = await login(USER, PASSWORD)
        assert response.code == 235
        await smtp.send_message(make_message())
        (received,) = await sink.wait_for_messages(1)
    assert received.login == USER


async def test_wrong_password_at_connect() -> None:
    async with smtp_sink("ssl", auth=(USER, PASSWORD)) as sink:
        smtp = client(sink, username=USER, password="nope")
        with pytest.raises(aiosmtplib.SMTPAuthenticationError) as wrong:
            await smtp.connect()
        assert wrong.value.code == 535
        assert not smtp.is_connected
    assert sink.messages == []


async def test_auth_is_required_before_mail() -> None:
    async with smtp_sink("ssl", auth=(USER, PASSWORD)) as sink, client(sink) as smtp:
        with pytest.raises(aiosmtplib.SMTPSenderRefused) as refused:
            await smtp.send_message(make_message())
        assert refused.value.code == 530


async def test_plain_text_auth() -> None:
    async with smtp_sink(auth=(USER, PASSWORD)) as sink:
        async with client(sink, username=USER, password=PASSWORD) as smtp:
            await smtp.send_message(make_message())
        (received,) = await sink.wait_for_messages(1)
    assert (received.login, received.tls) == (USER, False)


# -- scripted behaviours -----------------------------------------------------------------------


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


# -- envelope, connections, waiting ------------------------------------------------------------


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
