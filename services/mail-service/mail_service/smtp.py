"""Talking to the tenant's SMTP server with aiosmtplib (what went wrong: `failures.py`).

TLS is always explicit (`none`, `starttls` or `ssl`: never opportunistic), every operation has
the tenant's timeout and the whole send an overall deadline. Connections are pooled per server
and login, so a batch of messages to one server reuses one connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import secrets
import socket
import time
from collections import Counter
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib

from shared.domain.smtp_servers import HostNotAllowedError, ServerRules
from shared.infra.tls import tls_context

from .failures import SendFailure, classify, login_failure

PoolKey = tuple[str, int, str, str, str]  # server, login, and a keyed digest of the password
Server = tuple[str, int, str]
_QUIT_SECONDS = 2.0  # a polite QUIT at shutdown, not a wait on a slow server
# Keys the password's digest in pool keys, so not even a plain hash of it is kept around.
_POOL_KEY_SECRET = secrets.token_bytes(32)


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    security: str  # none | starttls | ssl
    username: str | None
    password: str | None = field(repr=False)
    timeout: float

    @property
    def pool_key(self) -> PoolKey:
        # The password is part of the identity (a changed password needs a new login) but is
        # only ever held digested outside this object.
        password = (self.password or "").encode()
        secret = hmac.new(_POOL_KEY_SECRET, password, hashlib.sha256).hexdigest()
        return (self.host, self.port, self.security, self.username or "", secret)

    @property
    def server(self) -> Server:
        return (self.host, self.port, self.security)


@dataclass(frozen=True)
class SendResult:
    code: int
    reply: str
    refused: dict[str, str]  # recipient -> the server's answer, for partial refusals


class SmtpPool:
    """Open connections per (server, login), reused while younger than `idle_seconds`.

    At most `per_server` conversations with one server at a time (whatever the logins: tenants
    sharing a relay share its limit), each on its own connection: a batch to one server reuses
    the same few connections, and a slow server holds up only its own sends. Idle connections
    past their time are closed as the pool is used; `close()` ends the rest.
    """

    def __init__(
        self, ca_file: Path | None, idle_seconds: float, per_server: int = 1, *, rules: ServerRules
    ) -> None:
        self._rules = rules
        self._context = tls_context(ca_file)
        self._idle_seconds = idle_seconds
        self._per_server = per_server
        self._idle: dict[PoolKey, list[tuple[aiosmtplib.SMTP, float]]] = {}
        self._slots: dict[Server, asyncio.Semaphore] = {}
        self._users: Counter[Server] = Counter()  # a server's slots go when nobody uses them

    async def send(
        self,
        target: SmtpTarget,
        message: EmailMessage,
        sender: str,
        recipients: list[str],
        deadline: float,
        *,
        limited: bool = True,
    ) -> SendResult:
        """Send within `deadline` seconds; raises SendFailure. `limited=False` skips the queue
        for the server's slots (a test send: an admin is waiting, and it is one message)."""
        server = target.server
        slots = self._slots.setdefault(server, asyncio.Semaphore(self._per_server))
        self._users[server] += 1
        connected = False
        try:
            async with slots if limited else contextlib.nullcontext():
                async with asyncio.timeout(deadline):
                    client, reused = await self._checkout(target)
                    connected = True
                    return await self._send(client, reused, target, message, sender, recipients)
        except BaseException as exc:
            if isinstance(exc, asyncio.CancelledError):
                raise
            failure = classify(exc, target)
            failure.at_connect = not connected
            raise failure from exc
        finally:
            self._users[server] -= 1
            if not self._users[server]:
                del self._users[server], self._slots[server]

    async def _send(
        self,
        client: aiosmtplib.SMTP,
        reused: bool,
        target: SmtpTarget,
        message: EmailMessage,
        sender: str,
        recipients: list[str],
    ) -> SendResult:
        try:
            try:
                refused, reply = await client.send_message(
                    message, sender=sender, recipients=recipients
                )
            except aiosmtplib.SMTPServerDisconnected:
                if not reused:
                    raise
                # The server closed an idle pooled connection: one fresh try is not a resend.
                _close(client)
                client = await self._connect(target)
                refused, reply = await client.send_message(
                    message, sender=sender, recipients=recipients
                )
        except BaseException:
            _close(client)  # in an unknown state: never handed to the next message
            raise
        self._idle.setdefault(target.pool_key, []).append((client, time.monotonic()))
        code, _, text = reply.partition(" ")
        return SendResult(
            code=int(code) if code.isdigit() else 250,
            reply=text or reply,
            refused={addr: f"{r.code} {r.message}" for addr, r in refused.items()},
        )

    async def _checkout(self, target: SmtpTarget) -> tuple[aiosmtplib.SMTP, bool]:
        """An idle connection to the target, or a new one; True when reused."""
        self._close_stale()
        idle = self._idle.get(target.pool_key, [])
        if idle:
            return idle.pop()[0], True
        return await self._connect(target), False

    def _close_stale(self) -> None:
        """Close idle connections past `idle_seconds` (or dropped by the server), any login."""
        now = time.monotonic()
        for key, idle in list(self._idle.items()):
            fresh = [(c, t) for c, t in idle if c.is_connected and now - t < self._idle_seconds]
            for client, _ in set(idle) - set(fresh):
                _close(client)
            if fresh:
                self._idle[key] = fresh
            else:
                del self._idle[key]

    async def _connect(self, target: SmtpTarget) -> aiosmtplib.SMTP:
        # Settings saved before the gateway refused them must not send a password in clear.
        refusal = self._rules.unencrypted_login_refusal(
            target.host, target.security, target.username
        )
        if refusal is not None:
            raise SendFailure("config", f"not sent: {refusal}")
        # Resolved and checked here, right before connecting, and the socket goes to the
        # address checked: a name re-pointed at a private address since the settings were
        # saved (DNS rebinding) is refused, not followed.
        try:
            addresses = await self._rules.checked_addresses(target.host, target.port)
        except HostNotAllowedError as exc:
            raise SendFailure("host_not_allowed", f"not sent: {exc}") from exc
        sock = await _open_socket(addresses, target.port, target.timeout)
        client = aiosmtplib.SMTP(
            hostname=target.host,  # what TLS verifies the certificate against
            sock=sock,
            use_tls=target.security == "ssl",
            start_tls=target.security == "starttls",  # False, not None: never opportunistic
            tls_context=self._context,
            timeout=target.timeout,
        )
        try:
            await client.connect()
            if target.username:
                await _login(client, target)
        except BaseException:
            # The socket belongs to the transport now (closed with it, also when the TLS
            # handshake fails): closing it here would free its descriptor under a live one.
            _close(client)
            raise
        return client

    async def close(self) -> None:
        """Say QUIT on every idle connection, all at once and briefly (we are stopping)."""
        clients = [client for idle in self._idle.values() for client, _ in idle]
        self._idle.clear()
        await asyncio.gather(*(_quit(client) for client in clients))


async def _open_socket(addresses: list[str], port: int, seconds_each: float) -> socket.socket:
    """A TCP connection to the first of `addresses` that answers within `seconds_each`."""
    loop = asyncio.get_running_loop()
    failure: OSError | None = None
    for address in addresses:
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            async with asyncio.timeout(seconds_each):
                await loop.sock_connect(sock, (address, port))
        except OSError as exc:  # refused, unreachable, timed out: the next address
            sock.close()
            failure = exc
            continue
        except BaseException:
            sock.close()
            raise
        return sock
    assert failure is not None  # checked_addresses never answers an empty list
    raise failure


async def _login(client: aiosmtplib.SMTP, target: SmtpTarget) -> None:
    try:
        await client.login(target.username or "", target.password or "")
    except aiosmtplib.SMTPException as exc:
        if (failure := login_failure(exc, client, target)) is not None:
            raise failure from exc
        raise


async def _quit(client: aiosmtplib.SMTP) -> None:
    try:
        await asyncio.wait_for(client.quit(), timeout=_QUIT_SECONDS)
    except Exception:
        _close(client)


def _close(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(Exception):
        client.close()
