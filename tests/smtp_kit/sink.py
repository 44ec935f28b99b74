"""`SmtpSink`: a real aiosmtpd server on 127.0.0.1, served by the test's own event loop."""

from __future__ import annotations

import asyncio
import collections
import shutil
import ssl
import tempfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from .certs import TlsCertificate, write_certificate
from .replies import Reply, smtp_reply
from .session import ReceivedMessage, _Handler, _SinkSMTP

Security = Literal["plain", "starttls", "ssl"]
_STOP_GRACE = 5.0  # seconds a stopping sink waits for its connections to wind down


class SmtpSink:
    """A real SMTP server capturing what it accepts; use as `async with SmtpSink(...) as sink`.

    security: "plain" (no TLS), "starttls" (advertises STARTTLS) or "ssl" (TLS from the first
      byte, like port 465). TLS variants get a fresh certificate; trust it with `sink.cafile`.
    auth: (username, password) enables AUTH PLAIN and LOGIN; wrong credentials answer 535.
    require_auth: with `auth`, MAIL before a successful AUTH answers 530 (default True).
    auth_require_tls: refuse AUTH (538, and AUTH is not advertised) before TLS. Defaults to True
      for "starttls"; "plain" and "ssl" (already encrypted) always allow AUTH.
    require_starttls: ("starttls" only) every command but EHLO/HELO/NOOP/RSET/QUIT/STARTTLS
      answers 530 until the client has upgraded.
    mail_replies / rcpt_replies / data_replies: answers for the first N MAIL / RCPT / DATA
      commands (counted across connections), after which the sink accepts. A 421 reply also
      closes the connection, as a real server does. DATA replies come after the message body.
    reject_data: answer every DATA with this (e.g. 550); nothing is captured.
    refuse_recipients: these addresses (case-insensitive) get "550 5.1.1" at RCPT.
    cert_dir: where TLS variants write ca.pem/cert.pem/key.pem (kept); default a temp dir
      removed at stop. host: listen address (port is a free one, see `sink.port`; `stop()`
      then `start()` listens again on the same port, keeping what was captured: a server
      that went away and came back).
    server_name: the name in the greeting/EHLO. smtputf8: advertise SMTPUTF8 (default True).

    The scripts are live: `sink.data_replies.append(451)` between sends works, as does
    `sink.refuse_recipients.add(...)`, setting `sink.reject_data`, or `sink.data_gate` (hold DATA).
    """

    def __init__(
        self,
        security: Security = "plain",
        *,
        auth: tuple[str, str] | None = None,
        require_auth: bool = True,
        auth_require_tls: bool | None = None,
        require_starttls: bool = False,
        mail_replies: Iterable[Reply] = (),
        rcpt_replies: Iterable[Reply] = (),
        data_replies: Iterable[Reply] = (),
        reject_data: Reply | None = None,
        refuse_recipients: Iterable[str] = (),
        cert_dir: Path | None = None,
        host: str = "127.0.0.1",
        server_name: str = "localhost",
        smtputf8: bool = True,
    ) -> None:
        if security not in ("plain", "starttls", "ssl"):
            raise ValueError(f"unknown security {security!r}")
        if require_starttls and security != "starttls":
            raise ValueError("require_starttls only makes sense with security='starttls'")
        self.security: Security = security
        self.host = host
        self.port = 0
        self.server_name = server_name
        self.auth = auth
        self.require_auth = require_auth
        # Without `auth`, AUTH stays unadvertised on plain/ssl (aiosmtpd never sees TLS there).
        self.auth_require_tls = auth is None or (
            security == "starttls" and auth_require_tls is not False
        )
        self.require_starttls = require_starttls
        self.smtputf8 = smtputf8
        self.mail_replies: collections.deque[Reply] = collections.deque(mail_replies)
        self.rcpt_replies: collections.deque[Reply] = collections.deque(rcpt_replies)
        self.data_replies: collections.deque[Reply] = collections.deque(data_replies)
        self.reject_data: Reply | None = reject_data
        self.data_gate: asyncio.Event | None = None
        """When set to an event, every DATA waits for it before answering: a slow server."""
        self.refuse_recipients: set[str] = {address.lower() for address in refuse_recipients}
        for reply in (*self.mail_replies, *self.rcpt_replies, *self.data_replies):
            smtp_reply(reply)
        if reject_data is not None:
            smtp_reply(reject_data)

        self.messages: list[ReceivedMessage] = []
        self.connection_count = 0
        self.commands: collections.Counter[str] = collections.Counter()
        """How many MAIL / RCPT / DATA commands reached the sink (accepted or not)."""
        self.cert: TlsCertificate | None = None

        self._cert_dir = cert_dir
        self._temp_dir: Path | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[_SinkSMTP] = set()
        self._changed: asyncio.Condition | None = None
        self._handler = _Handler(self)

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("sink already started")
        loop = asyncio.get_running_loop()
        self._changed = asyncio.Condition()
        tls_context = None
        if self.security != "plain":
            if self._cert_dir is None:
                self._temp_dir = Path(tempfile.mkdtemp(prefix="smtp-sink-"))
            self.cert = write_certificate(self._cert_dir or self._temp_dir or Path())
            tls_context = self.cert.server_context()
        self._server = await loop.create_server(
            lambda: self._new_connection(loop, tls_context),
            self.host,
            self.port,  # 0 the first time: any free port
            ssl=tls_context if self.security == "ssl" else None,
            ssl_handshake_timeout=5.0 if self.security == "ssl" else None,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Stop listening, close every open connection, remove the generated certificate."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        tasks = {c.session_task for c in self._connections if c.session_task is not None}
        for connection in list(self._connections):
            if connection.transport is not None:
                connection.transport.close()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=_STOP_GRACE)
            if pending:  # a TLS peer that never answered our close_notify
                for connection in list(self._connections):
                    if isinstance(connection.transport, asyncio.Transport):
                        connection.transport.abort()
                await asyncio.wait(pending, timeout=_STOP_GRACE)
        await server.wait_closed()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- what tests read -------------------------------------------------------------------

    @property
    def cafile(self) -> Path | None:
        """The CA file that verifies this sink's certificate (None for "plain")."""
        return self.cert.cafile if self.cert else None

    def client_tls_context(self) -> ssl.SSLContext:
        """`ssl.create_default_context(cafile=sink.cafile)`: verifies the sink as a client would."""
        if self.cert is None:
            raise RuntimeError("a plain sink has no certificate")
        return self.cert.client_context()

    async def wait_for_messages(self, count: int, timeout: float = 5.0) -> list[ReceivedMessage]:
        """Wait until at least `count` messages are captured; AssertionError after `timeout`."""
        if self._changed is None:
            raise RuntimeError("sink not started")
        changed = self._changed
        try:
            async with asyncio.timeout(timeout), changed:
                await changed.wait_for(lambda: len(self.messages) >= count)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} message(s); "
                f"got {len(self.messages)}"
            ) from None
        return list(self.messages)

    def clear(self) -> None:
        """Forget captured messages and counters (scripts are left alone)."""
        self.messages.clear()
        self.commands.clear()
        self.connection_count = 0

    # -- internals -------------------------------------------------------------------------

    def _new_connection(
        self, loop: asyncio.AbstractEventLoop, tls_context: ssl.SSLContext | None
    ) -> _SinkSMTP:
        self.connection_count += 1
        connection = _SinkSMTP(
            self,
            self.connection_count,
            self._handler,
            hostname=self.server_name,
            enable_SMTPUTF8=self.smtputf8,
            tls_context=tls_context if self.security == "starttls" else None,
            require_starttls=self.require_starttls,
            auth_require_tls=self.auth_require_tls,
            authenticator=self._authenticate if self.auth else None,
            loop=loop,
        )
        self._connections.add(connection)
        return connection

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if (
            self.auth is not None
            and isinstance(data, LoginPassword)
            and data.login == self.auth[0].encode()
            and data.password == self.auth[1].encode()
        ):
            return AuthResult(success=True, auth_data=data)
        return AuthResult(success=False, handled=False)  # -> 535 5.7.8

    async def _captured(self, message: ReceivedMessage) -> None:
        self.messages.append(message)
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()
