"""A hostile or broken IMAP server: every way it can misbehave is a `MailboxError` (recorded
as the mailbox's `last_scan_error`), never another exception escaping the scan.

A scripted server on a loopback socket stands in for one (a fake: Dovecot does not answer
BAD to a well-formed command, nor garbage for a UID).
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from shared.infra import imap

Script = Callable[[str, str], list[str]]  # (tag, command) -> lines to answer


def _serve(listener: socket.socket, script: Script) -> None:
    conn, _ = listener.accept()
    with conn, conn.makefile("rwb") as stream:
        stream.write(b"* OK [CAPABILITY IMAP4rev1] hostile ready\r\n")
        stream.flush()
        for line in stream:
            tag, _, command = line.decode().strip().partition(" ")
            if command.upper().startswith("LOGOUT"):
                stream.write(f"* BYE\r\n{tag} OK bye\r\n".encode())
                stream.flush()
                return
            stream.write("".join(f"{answer}\r\n" for answer in script(tag, command)).encode())
            stream.flush()


@contextmanager
def hostile_server(script: Script) -> Iterator[imap.MailboxTarget]:
    listener = socket.create_server(("127.0.0.1", 0))
    thread = threading.Thread(target=_serve, args=(listener, script), daemon=True)
    thread.start()
    try:
        yield imap.MailboxTarget(
            host="127.0.0.1",
            address="127.0.0.1",
            port=listener.getsockname()[1],
            security="none",
            username="bounces",
            password="secret",
            folder="INBOX",
            timeout=5.0,
        )
    finally:
        listener.close()
        thread.join(timeout=5)


def _answers(search: list[str], *, uidvalidity: str = "7") -> Script:
    def script(tag: str, command: str) -> list[str]:
        verb = command.split(" ")[0].upper()
        if verb == "CAPABILITY":
            return ["* CAPABILITY IMAP4rev1", f"{tag} OK done"]
        if verb == "LOGIN":
            return [f"{tag} OK logged in"]
        if verb == "EXAMINE":
            return [
                "* 3 EXISTS",
                f"* OK [UIDVALIDITY {uidvalidity}] ok",
                f"{tag} OK [READ-ONLY] examined",
            ]
        if command.upper().startswith("UID SEARCH"):
            return [line.replace("{tag}", tag) for line in search]
        return [f"{tag} BAD unknown"]

    return script


def _scan(target: imap.MailboxTarget) -> list[int]:
    with imap.examined_folder(target, ssl.create_default_context()) as (conn, _):
        return imap.uids_after(conn, 0, 100)


def test_a_server_answering_bad_is_a_protocol_error() -> None:
    script = _answers(["{tag} BAD no searching here"])
    with hostile_server(script) as target, pytest.raises(imap.MailboxError) as raised:
        _scan(target)
    assert raised.value.error_class == "protocol"


def test_a_uid_that_is_no_number_is_a_protocol_error() -> None:
    script = _answers(["* SEARCH 1 2 x3", "{tag} OK done"])
    with hostile_server(script) as target, pytest.raises(imap.MailboxError) as raised:
        _scan(target)
    assert raised.value.error_class == "protocol"


def test_a_uidvalidity_that_is_no_number_is_a_protocol_error() -> None:
    script = _answers(["* SEARCH", "{tag} OK done"], uidvalidity="soon")
    with hostile_server(script) as target, pytest.raises(imap.MailboxError) as raised:
        _scan(target)
    assert raised.value.error_class == "protocol"


def test_a_mailbox_target_never_shows_its_password() -> None:
    # As the SMTP connection's key: a target that reaches a log line or an error's repr must
    # not carry the password with it.
    target = imap.MailboxTarget("imap.example", "192.0.2.7", 993, "ssl", "u", "secret", "X", 5.0)
    assert "secret" not in repr(target) and "secret" not in str(target)
