"""The IMAP server the tests read bounces from, and the IMAP commands tests use to feed it.

`TEST_IMAP_URL` (`imap://user:password@host:port`) names one that already runs; when none is
named or it does not answer, the session starts a private Dovecot (scripts/devstack_dovecot.py)
on free loopback ports in a temporary folder, serving STARTTLS and implicit TLS with a
throw-away certificate. Without Dovecot the tests that need it skip, saying what to install.
"""

from __future__ import annotations

import imaplib
import os
import secrets
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tests.smtp_kit.certs import write_certificate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from devstack_dovecot import INSTALL_HINT, PrivateDovecot, find_dovecot


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int  # plain, STARTTLS offered when tls
    user: str
    password: str
    tls_port: int | None = None  # implicit TLS
    cafile: Path | None = None

    def session(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        try:
            conn.login(self.user, self.password)
        except imaplib.IMAP4.error:
            conn.shutdown()
            raise
        return conn

    def create_folder(self, folder: str) -> None:
        conn = self.session()
        try:
            conn.create(quoted(folder))
        finally:
            conn.logout()

    def delete_folder(self, folder: str) -> None:
        conn = self.session()
        try:
            conn.delete(quoted(folder))
        finally:
            conn.logout()

    def append(self, folder: str, *messages: bytes) -> None:
        conn = self.session()
        try:
            for raw in messages:
                status, data = conn.append(quoted(folder), None, None, raw)
                assert status == "OK", data
        finally:
            conn.logout()

    def flags(self, folder: str) -> list[bytes]:
        """Every message's flags (to prove a scan changed none)."""
        conn = self.session()
        try:
            conn.select(quoted(folder), readonly=True)
            _status, data = conn.uid("FETCH", "1:*", "(FLAGS)")
            return [d for d in data if isinstance(d, bytes)]
        finally:
            conn.logout()


def quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2) as sock:
            return sock.recv(100).startswith(b"* OK")
    except OSError:
        return False


def running_imap_server() -> Iterator[ImapServer | str]:
    """The configured server, else a private Dovecot for the session; a string says why none."""
    configured = os.environ.get("TEST_IMAP_URL")
    if configured:
        url = urlsplit(configured)
        host, port = url.hostname or "127.0.0.1", url.port or 143
        if _answers(host, port):
            yield ImapServer(host, port, unquote(url.username or ""), unquote(url.password or ""))
            return
    if find_dovecot() is None:
        yield f"Dovecot is not installed, so bounce tests cannot read a mailbox ({INSTALL_HINT})"
        return
    folder = Path(tempfile.mkdtemp(prefix="lp-dovecot-"))
    folder.chmod(0o755)  # under root, Dovecot's own accounts must reach the server's folder
    cert = write_certificate(folder / "tls")
    server = PrivateDovecot(
        folder / "server",
        user="bounces",
        password=secrets.token_urlsafe(12),
        cert=(cert.certfile, cert.keyfile),
    )
    try:
        server.start()
        yield ImapServer(
            "127.0.0.1", server.port, server.user, server.password, server.tls_port, cert.cafile
        )
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
