"""One connection of an `SmtpSink`: the aiosmtpd hooks that answer, script and capture mail."""

from __future__ import annotations

import asyncio
import email
import email.message
import logging
from dataclasses import dataclass
from email import policy
from typing import TYPE_CHECKING, Any, AnyStr

from aiosmtpd.smtp import SMTP, Envelope, LoginPassword, Session

from .replies import smtp_reply

if TYPE_CHECKING:
    from .sink import SmtpSink


def _drop_login_data_notice(record: logging.LogRecord) -> bool:
    # aiosmtpd 1.4 itself sets the deprecated Session.login_data on every AUTH and warns about it
    return not str(record.msg).startswith("Session.login_data is deprecated")


logging.getLogger("mail.log").addFilter(_drop_login_data_notice)


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """One message the sink accepted (answered 250 to its DATA)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    """The envelope recipients: every RCPT TO that was accepted (BCC included)."""
    data: bytes
    """The message exactly as transmitted after dot-unstuffing (CRLF line ends)."""
    login: str | None
    """The AUTH login of the session, None if the client did not authenticate."""
    tls: bool
    """True if the message went over TLS (STARTTLS or implicit)."""
    connection: int
    """1-based number of the TCP connection that delivered it (same number = reused)."""
    mail_options: tuple[str, ...] = ()
    rcpt_options: tuple[str, ...] = ()

    @property
    def message(self) -> email.message.EmailMessage:
        """The data parsed with `policy.default`, CRLF turned into "\n" as a mail reader would."""
        parsed = email.message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=policy.default)
        assert isinstance(parsed, email.message.EmailMessage)
        return parsed


class _SinkSMTP(SMTP):
    """One connection. Counts itself, and closes after a 421 like a real server."""

    def __init__(self, sink: SmtpSink, number: int, handler: _Handler, **kwargs: Any) -> None:
        self.sink = sink
        self.number = number
        super().__init__(handler, **kwargs)

    @property
    def session_task(self) -> asyncio.Task[None] | None:
        task: asyncio.Task[None] | None = getattr(self, "_handler_coroutine", None)
        return task

    @property
    def over_tls(self) -> bool:
        return (
            self.transport is not None and self.transport.get_extra_info("ssl_object") is not None
        )

    async def push(self, status: AnyStr) -> None:
        await super().push(status)
        code = status[:3] if isinstance(status, bytes) else status[:3].encode()
        if code == b"421" and self.transport is not None:
            self.transport.close()

    def connection_lost(self, error: Exception | None) -> None:
        self.sink._connections.discard(self)
        super().connection_lost(error)


class _Handler:
    """aiosmtpd hooks. (aiosmtpd treats any attribute named auth_* as a mechanism: keep it bare.)"""

    def __init__(self, sink: SmtpSink) -> None:
        self._sink = sink

    async def handle_MAIL(
        self,
        server: _SinkSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        sink = self._sink
        sink.commands["MAIL"] += 1
        if sink.auth is not None and sink.require_auth and not session.authenticated:
            return "530 5.7.0 Authentication required"
        if sink.mail_replies:
            return smtp_reply(sink.mail_replies.popleft())
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(
        self,
        server: _SinkSMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        sink = self._sink
        sink.commands["RCPT"] += 1
        if address.lower() in sink.refuse_recipients:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if sink.rcpt_replies:
            return smtp_reply(sink.rcpt_replies.popleft())
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: _SinkSMTP, session: Session, envelope: Envelope) -> str:
        sink = self._sink
        sink.commands["DATA"] += 1
        if sink.data_gate is not None:
            await sink.data_gate.wait()
        if sink.reject_data is not None:
            return smtp_reply(sink.reject_data)
        if sink.data_replies:
            return smtp_reply(sink.data_replies.popleft())
        auth_data = session.auth_data if session.authenticated else None
        login = auth_data.login.decode() if isinstance(auth_data, LoginPassword) else None
        assert envelope.mail_from is not None
        assert envelope.original_content is not None
        await sink._captured(
            ReceivedMessage(
                mail_from=envelope.mail_from,
                rcpt_tos=tuple(envelope.rcpt_tos),
                data=envelope.original_content,
                login=login,
                tls=server.over_tls,
                connection=server.number,
                mail_options=tuple(envelope.mail_options),
                rcpt_options=tuple(envelope.rcpt_options),
            )
        )
        return f"250 2.0.0 OK: queued as {len(sink.messages):06X}"
