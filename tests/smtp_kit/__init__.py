"""Real SMTP servers for integration tests, served in-process by the test's event loop.

    from tests.smtp_kit import SilentSmtpServer, smtp_sink

    async with smtp_sink("starttls", auth=("mailer", "s3cret")) as sink:
        async with aiosmtplib.SMTP(
            hostname=sink.host, port=sink.port, start_tls=True,
            tls_context=sink.client_tls_context(), username="mailer", password="s3cret",
        ) as client:
            await client.send_message(msg)
        (received,) = await sink.wait_for_messages(1)
        assert received.login == "mailer" and received.tls

    async with smtp_sink(data_replies=[421]) as sink: ...       # 421 once, then accept
    async with smtp_sink(reject_data=550) as sink: ...          # every DATA gets 550
    async with smtp_sink(refuse_recipients={"x@y.in"}) as sink: ...
    async with SilentSmtpServer() as silent: ...                # never greets: timeouts

The servers live in the test's own event loop: the code under test must talk to them from
coroutines awaited in that loop (or from another process/thread while the test awaits).
"""

from .certs import TlsCertificate, write_certificate
from .replies import Reply, smtp_reply
from .session import ReceivedMessage
from .silent import SilentSmtpServer
from .sink import Security, SmtpSink

smtp_sink = SmtpSink
"""`async with smtp_sink("ssl", auth=(user, password)) as sink:` (alias of `SmtpSink`)."""

silent_smtp_server = SilentSmtpServer

__all__ = [
    "ReceivedMessage",
    "Reply",
    "Security",
    "SilentSmtpServer",
    "SmtpSink",
    "TlsCertificate",
    "silent_smtp_server",
    "smtp_reply",
    "smtp_sink",
    "write_certificate",
]
