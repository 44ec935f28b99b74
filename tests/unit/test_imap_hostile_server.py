"""A hostile or broken IMAP server: every way it can misbehave is a `MailboxError` (recorded
as the mailbox's `last_scan_error`), never another exception escaping the scan.

A scripted server on a loopback socket stands in for one (a fake: Dovecot does not answer
BAD to a well-formed command, nor garbage for a UID).
"""

from __future__ import annotations

import contextlib
import dataclasses
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

import pytest

from shared.infra import imap

Script = Callable[[str, str], Iterable[str]]  # (tag, command) -> the answer's lines


def _serve(listener: socket.socket, script: Script) -> None:
    # The client may never come, or hang up mid-answer (a deadline, an error): nothing to
    # report from here.
    with contextlib.suppress(OSError):
        _answer_client(listener.accept()[0], script)


def _answer_client(conn: socket.socket, script: Script) -> None:
    with conn, conn.makefile("rwb") as stream:
        stream.write(b"* OK [CAPABILITY IMAP4rev1] hostile ready\r\n")
        stream.flush()
        for line in stream:
            tag, _, command = line.decode().strip().partition(" ")
            if command.upper().startswith("LOGOUT"):
                stream.write(f"* BYE\r\n{tag} OK bye\r\n".encode())
                stream.flush()
                return
            for answer in script(tag, command):
                stream.write(answer.encode())
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

    return lambda tag, command: (f"{line}\r\n" for line in script(tag, command))


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


def test_a_server_dripping_its_answer_is_cut_off_at_the_scan_deadline() -> None:
    # Each byte arrives well within the socket timeout, so only a deadline on the whole
    # session ends it: without one a scan (and the worker thread holding it) never finishes.
    stop = threading.Event()

    def drip(tag: str, command: str) -> Iterator[str]:
        if command.upper().startswith("UID SEARCH"):
            yield "* SEARCH"
            while not stop.wait(0.1):
                yield " 1"  # a UID every 0.1 s: always within the 0.5 s socket timeout
        yield from _answers(["* SEARCH", "{tag} OK done"])(tag, command)

    with hostile_server(drip) as target:
        bounded = dataclasses.replace(target, timeout=0.5, deadline=1.0)
        started = time.monotonic()
        with pytest.raises(imap.MailboxError) as raised:
            _scan(bounded)
        stop.set()
    assert raised.value.error_class == "timeout"
    assert time.monotonic() - started < 5
