"""Reading a tenant's IMAP mailbox, read-only: connect, log in, EXAMINE a folder, list new
UIDs, fetch headers or the first bytes of messages with BODY.PEEK (never setting `\\Seen`).
Nothing here stores, flags, moves or deletes a message.

Python's `imaplib`, run in a worker thread (`asyncio.to_thread`) by its callers: a scan is a
handful of commands every few minutes per tenant, which a thread serves as well as an async
library would, and imaplib lets us connect to the address the host rules checked while the
certificate is verified against the host name as typed (DNS rebinding gains nothing).
Every socket operation is bounded by the tenant's timeout.

Failures are `MailboxError`s whose `error_class` says what went wrong the way SMTP's do
(`dns`, `connection_refused`, `timeout`, `tls`, `auth`, `folder`, `protocol`, `connection`)
and whose message is safe to show to an admin.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

_UID = re.compile(rb"\bUID (\d+)")


class MailboxError(Exception):
    def __init__(self, error_class: str, reason: str) -> None:
        super().__init__(reason)
        self.error_class = error_class


@dataclass(frozen=True)
class MailboxTarget:
    host: str  # as typed: the certificate must name it
    address: str  # where to connect: the address the host rules checked
    port: int
    security: str  # none | starttls | ssl
    username: str
    password: str | None = field(repr=False)  # never in a log line or an error's repr
    folder: str
    timeout: float  # each socket operation
    # The whole session, login to logout: a server answering a byte at a time stays within
    # `timeout` forever, and would hold the scan (and its worker thread) as long.
    deadline: float | None = None


@dataclass(frozen=True)
class FolderState:
    uidvalidity: int
    messages: int


class _Plain(imaplib.IMAP4):
    def __init__(self, target: MailboxTarget) -> None:
        self._address = target.address
        super().__init__(target.host, target.port, timeout=target.timeout)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        return socket.create_connection((self._address, self.port), timeout)


class _Tls(_Plain):
    """Implicit TLS (port 993), verified against the host name as typed."""

    def __init__(self, target: MailboxTarget, context: ssl.SSLContext) -> None:
        self._context = context
        super().__init__(target)

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = super()._create_socket(timeout)
        return self._context.wrap_socket(sock, server_hostname=self.host)


def quoted(folder: str) -> str:
    """A folder name as an IMAP quoted string."""
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def examined_folder(
    target: MailboxTarget, context: ssl.SSLContext
) -> Iterator[tuple[imaplib.IMAP4, FolderState]]:
    """Log in and EXAMINE (select read-only) the folder; log out when done. Past the
    target's deadline the session is cut (a `timeout` MailboxError), whatever it was doing."""
    conn = _connect(target, context)
    cutoff = _Cutoff(conn, target.deadline)
    try:
        with _examined(conn, target) as opened:
            yield opened
    except MailboxError:
        if cutoff.fired:
            raise MailboxError(
                "timeout", f"the server took longer than {target.deadline:g} s in all"
            ) from None
        raise
    finally:
        cutoff.cancel()


class _Cutoff:
    """Shuts the session's socket down once `deadline` seconds have passed (from a timer
    thread: the reading thread's blocked recv returns, and imaplib gives up)."""

    def __init__(self, conn: imaplib.IMAP4, deadline: float | None) -> None:
        self.fired = False
        self._conn = conn
        self._timer = threading.Timer(deadline, self._fire) if deadline else None
        if self._timer is not None:
            self._timer.daemon = True
            self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        with contextlib.suppress(OSError):
            self._conn.sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


@contextmanager
def _examined(
    conn: imaplib.IMAP4, target: MailboxTarget
) -> Iterator[tuple[imaplib.IMAP4, FolderState]]:
    try:
        try:
            conn.login(target.username, target.password or "")
        except imaplib.IMAP4.error as exc:
            raise MailboxError("auth", f"the server refused the login: {_said(exc)}") from None
        status, data = conn.select(quoted(target.folder), readonly=True)
        if status != "OK":
            raise MailboxError(
                "folder", f"the folder {target.folder!r} cannot be opened: {_said(data)}"
            )
        validity = conn.response("UIDVALIDITY")[1]
        uidvalidity = validity[0] if validity else None
        if not isinstance(uidvalidity, bytes) or not _is_number(uidvalidity):
            raise MailboxError("protocol", "the server did not give the folder's UIDVALIDITY")
        messages = data[0] if data and isinstance(data[0], bytes) and _is_number(data[0]) else b"0"
        state = FolderState(uidvalidity=int(uidvalidity), messages=int(messages))
        yield conn, state
    except imaplib.IMAP4.abort as exc:
        raise MailboxError("protocol", f"the server ended the session: {_said(exc)}") from None
    except imaplib.IMAP4.error as exc:  # BAD, or an answer imaplib cannot take: not a crash
        raise MailboxError("protocol", f"the server answered: {_said(exc)}") from None
    except TimeoutError:
        raise MailboxError("timeout", "the server did not answer in time") from None
    except ssl.SSLError as exc:
        raise MailboxError("tls", f"TLS failed: {_tls_reason(exc)}") from None
    except OSError as exc:
        raise MailboxError("connection", f"the connection failed: {exc}") from None
    finally:
        try:
            conn.logout()
        except (imaplib.IMAP4.error, OSError):  # already gone (or cut): close our side anyway
            with contextlib.suppress(OSError):
                conn.shutdown()


def _connect(target: MailboxTarget, context: ssl.SSLContext) -> imaplib.IMAP4:
    try:
        if target.security == "ssl":
            return _Tls(target, context)
        conn = _Plain(target)
        if target.security == "starttls":
            try:
                conn.starttls(context)
            except imaplib.IMAP4.error as exc:
                conn.shutdown()
                raise MailboxError("tls", f"STARTTLS was refused: {_said(exc)}") from None
        return conn
    except socket.gaierror:
        raise MailboxError("dns", f"the name {target.host} does not resolve") from None
    except ConnectionRefusedError:
        raise MailboxError(
            "connection_refused", f"{target.host}:{target.port} refused the connection"
        ) from None
    except TimeoutError:
        raise MailboxError(
            "timeout", f"{target.host}:{target.port} did not answer in time"
        ) from None
    except ssl.SSLError as exc:  # CertificateError is one
        raise MailboxError("tls", f"TLS failed: {_tls_reason(exc)}") from None
    except imaplib.IMAP4.error as exc:
        raise MailboxError("protocol", f"not an IMAP server? {_said(exc)}") from None
    except OSError as exc:
        raise MailboxError("connection", f"the connection failed: {exc}") from None


def uids_after(conn: imaplib.IMAP4, last_uid: int, limit: int) -> list[int]:
    """The folder's UIDs above `last_uid`, oldest first, at most `limit` of them."""
    status, data = conn.uid("SEARCH", "UID", f"{last_uid + 1}:*")
    if status != "OK":
        raise MailboxError("protocol", f"SEARCH failed: {_said(data)}")
    listed = b" ".join(d for d in data if isinstance(d, bytes)).split()
    if not all(_is_number(u) for u in listed):
        raise MailboxError("protocol", "SEARCH answered something that is not a UID")
    # `n:*` always matches the highest UID, even one below n: keep only the new ones.
    found = sorted(u for u in map(int, listed) if u > last_uid)
    return found[:limit]


def _is_number(value: bytes) -> bool:
    return value.isdigit() and len(value) <= 20


def fetch(conn: imaplib.IMAP4, uids: list[int], item: str) -> dict[int, bytes]:
    """`item` (a BODY.PEEK[...] fetch item) of each message, by UID."""
    if not uids:
        return {}
    status, data = conn.uid("FETCH", ",".join(map(str, uids)), f"(UID {item})")
    if status != "OK":
        raise MailboxError("protocol", f"FETCH failed: {_said(data)}")
    found: dict[int, bytes] = {}
    for entry in data:
        if isinstance(entry, tuple) and len(entry) == 2:
            uid = _UID.search(entry[0])
            if uid:
                found[int(uid.group(1))] = entry[1]
    return found


def _tls_reason(exc: ssl.SSLError) -> str:
    """A certificate's own complaint (unknown authority, wrong name) before OpenSSL's code."""
    verify = getattr(exc, "verify_message", None)
    return f"the certificate was refused ({verify})" if verify else str(exc.reason or exc)


def _said(answer: object) -> str:
    """The server's words, shortened, for an admin to read."""
    if isinstance(answer, list):
        answer = b" ".join(a for a in answer if isinstance(a, bytes))
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    return text.strip()[:300] or "no reason given"
