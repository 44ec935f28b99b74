"""The SMTP kit's three security variants (plain, STARTTLS, implicit TLS) and its AUTH."""

from __future__ import annotations

import ssl

import aiosmtplib
import pytest

from tests.smtp_kit import smtp_sink

from .smtp_kit_helpers import PASSWORD, SENDER, USER, client, make_message


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
