"""Bounces of each common shape read into the failed recipient, its code and the Message-ID."""

from __future__ import annotations

import base64

import pytest

from shared.domain.bounces.notifications import read_bounce
from tests.imap_kit import bounces

OURS = "<3f2a9c0e5b7d4e1f8a6b2c4d9e0f1a2b@acme.example>"
SENDER = "accounts@acme.example"
FAILED = "Ledger.Desk@SharmaTraders.in"
OTHER = "owner@sharmatraders.in"

EXPECTED_CODES = {
    "postfix": "5.1.1",
    "exim": "5.1.1",
    "gmail": "5.1.1",
    "outlook": "5.1.10",
    "qmail": "5.1.1",
}


@pytest.mark.parametrize("shape", sorted(bounces.FORMATS))
def test_each_shape_names_the_failed_recipient_and_our_message(shape: str) -> None:
    raw = bounces.FORMATS[shape](OURS, SENDER, FAILED, [OTHER])
    report = read_bounce(raw)
    assert report is not None, shape
    assert OURS in report.message_ids
    assert [r.addresses[0] for r in report.recipients] == [FAILED.lower()]
    (recipient,) = report.recipients
    assert recipient.status_code == EXPECTED_CODES[shape]
    assert recipient.diagnostic
    assert report.standard == (shape in ("postfix", "gmail", "outlook"))


def test_the_bounce_s_own_message_id_is_never_a_candidate() -> None:
    report = read_bounce(bounces.postfix(OURS, SENDER, FAILED, []))
    assert report is not None
    assert "<20261201033005.4QZ3x0Lh2Kz9sWn@mx1.example.net>" not in report.message_ids


def test_a_delay_warning_and_an_unrelated_message_are_not_bounces() -> None:
    assert read_bounce(bounces.delay_warning(OURS, SENDER, FAILED, [OTHER])) is None
    assert read_bounce(bounces.unrelated(SENDER)) is None
    assert read_bounce(b"\x00\xff not a message at all") is None


def test_diagnostics_are_unfolded_and_bounded() -> None:
    report = read_bounce(bounces.gmail(OURS, SENDER, FAILED, []))
    assert report is not None
    diagnostic = report.recipients[0].diagnostic or ""
    assert "\n" not in diagnostic
    assert diagnostic.startswith("The email account that you tried to reach does not exist.")
    assert len(diagnostic) <= 500


def test_a_message_nested_too_deeply_to_walk_is_no_bounce() -> None:
    # A hostile sender's bounce-looking message with a few thousand nested multiparts (well
    # inside MAILBOX_SCAN_MAX_MESSAGE_BYTES): walking it exhausts Python's recursion limit.
    # It must read as "not a bounce", not raise out of the scan (which would stop that
    # mailbox's scanning at this message for good).
    depth = 3000
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
        for i in range(depth)
    )
    closing = b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    raw = (
        b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"MIME-Version: 1.0\r\n" + opening + b"Content-Type: text/plain\r\n\r\n"
        b"Message-ID: " + OURS.encode() + b"\r\n" + closing
    )
    assert len(raw) < 262_144
    assert read_bounce(raw) is None


def test_nothing_kept_from_a_notification_carries_a_control_character() -> None:
    # PostgreSQL refuses NUL in text: a DSN whose Reporting-MTA carried one failed the scan's
    # insert, every scan, at the same message (the position never moved on).
    raw = bounces.postfix(OURS, SENDER, FAILED, []).replace(
        b"Reporting-MTA: dns; mx1.example.net", b"Reporting-MTA: dns; mx1\x00.exa\x07mple.net"
    )
    report = read_bounce(raw)
    assert report is not None and report.reporting_mta is not None
    assert report.reporting_mta.isprintable(), report.reporting_mta


def test_a_message_id_with_a_control_character_is_no_candidate() -> None:
    # Anyone may mail a bounce address: a quoted Message-ID with a NUL in it (base64 keeps it
    # past the MIME parser) went into the scan's query, which PostgreSQL refused, every scan.
    quoted = base64.b64encode(b"Message-ID: <evil\x00id@x.example>\r\nTo: a@b.example\r\n")
    raw = (
        b"From: MAILER-DAEMON@mx.example\r\nSubject: Undelivered Mail\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.example\r\n\r\n"
        b"Final-Recipient: rfc822; " + FAILED.encode() + b"\r\nAction: failed\r\n"
        b"Status: 5.1.1\r\n\r\n"
        b"--B\r\nContent-Type: text/rfc822-headers\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + quoted
        + b"\r\n--B--\r\n"
    )
    report = read_bounce(raw)
    assert report is not None
    assert all(i.isascii() and i.isprintable() for i in report.message_ids), report.message_ids
