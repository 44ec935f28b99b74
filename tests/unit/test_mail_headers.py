"""Header injection through RFC 2047 encoded words: what goes on the wire, parsed back.

Every check on the raw text passes `=?utf-8?q?...=0D=0A...?=`; the email package decodes it
into a line break. These tests compose messages with such text, flatten them as the SMTP send
does (aiosmtplib's flattening, with and without SMTPUTF8, and the project's own policy) and
parse the bytes back as a mail reader would.
"""

from __future__ import annotations

import email
import email.policy
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtplib.email import flatten_message
from mail_service.compose import POLICY, Attachment, Sender, attachment_part, build_message
from mail_service.headers import plain_text, text_header

from shared.infra.db.models import Email

# Each adds a header, and the last one also ends the headers to replace the body with HTML.
BCC_SUBJECT = "=?utf-8?q?hi=0D=0ABcc:_x@evil.com?="
REPLY_TO_SUBJECT = "Statement =?utf-8?q?=0D=0AReply-To:_thief@evil.com?= attached"
BODY_SUBJECT = (
    "=?utf-8?q?x=0D=0AContent-Type:_text/html=0D=0A=0D=0A<b>pay_here</b>?= and "
    "=?utf-8?b?DQpCY2M6IHlAZXZpbC5jb20=?="
)
EVIL_NAME = "=?utf-8?q?Acme=0D=0ABcc:_y@evil.com?="
# `=?...?=` is a valid local part, and an address parser decodes it too.
EVIL_ADDRESS = "=?utf-8?q?x=0D=0ABcc=3A_y=40evil.com?=@example.in"
BODY = "Dear Sir,\nPlease find the statement attached.\nRegards"


def _email(subject: str, to: list[str] | None = None, cc: list[str] | None = None) -> Email:
    email_id = uuid.uuid4()
    return Email(
        id=email_id,
        tenant_id="t-unit",
        to_addresses=to or ["accounts@example.in"],
        cc_addresses=cc or [],
        bcc_addresses=["hidden@example.in"],
        subject=subject,
        body=BODY,
        message_id=f"<{email_id.hex}@example.in>",
    )


def _flattenings(message: EmailMessage) -> list[bytes]:
    return [
        flatten_message(message),
        flatten_message(message, utf8=True),
        flatten_message(message, cte_type="7bit"),
        message.as_bytes(policy=POLICY),
    ]


def _parsed(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data.replace(b"\r\n", b"\n"), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _lines(data: bytes) -> tuple[bytes, bytes]:
    """The head and the body, "\n" line ends whatever the flattening used."""
    head, body = data.replace(b"\r\n", b"\n").split(b"\n\n", 1)
    return head, body


def _header_names(data: bytes) -> list[str]:
    head = _lines(data)[0].decode()
    return [line.split(":", 1)[0] for line in head.split("\n") if line[:1] not in (" ", "\t")]


def _text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


@pytest.mark.parametrize("subject", [BCC_SUBJECT, REPLY_TO_SUBJECT, BODY_SUBJECT])
def test_an_encoded_word_in_the_subject_stays_text_on_the_wire(subject: str) -> None:
    sender = Sender("reports@example.in", "Sharma & Sons", "accounts@example.in")
    message = build_message(_email(subject), sender)
    for data in _flattenings(message):
        assert _header_names(data) == [
            "From",
            "To",
            "Reply-To",
            "Subject",
            "Date",
            "Message-ID",
            "MIME-Version",
            "Content-Type",
        ]
        parsed = _parsed(data)
        assert parsed.get_all("Subject") == [subject]  # exactly as typed, never decoded
        assert parsed.get_all("Bcc") is None
        assert parsed.get_all("Reply-To") == ["accounts@example.in"]
        assert parsed.get_content_type() == "multipart/alternative"
        assert _text_body(parsed) == BODY + "\n"
        assert b"evil.com" not in _lines(data)[1]


def test_an_encoded_word_in_the_senders_name_is_sent_as_that_text() -> None:
    # It used to make every send of the tenant fail ("address parts cannot contain CR or LF").
    sender = Sender("reports@example.in", EVIL_NAME, None)
    message = build_message(_email("Statement"), sender)
    for data in _flattenings(message):
        parsed = _parsed(data)
        assert parsed.get_all("Bcc") is None
        (from_,) = parsed.get_all("From")
        assert from_.addresses[0].display_name == EVIL_NAME
        assert from_.addresses[0].addr_spec == "reports@example.in"


def test_an_encoded_word_in_an_address_adds_no_header() -> None:
    sender = Sender("reports@example.in", None, None)
    message = build_message(_email("Statement", to=[EVIL_ADDRESS], cc=[EVIL_ADDRESS]), sender)
    for data in _flattenings(message):
        assert _header_names(data)[:4] == ["From", "To", "Cc", "Subject"]
        assert _parsed(data).get_all("Bcc") is None


def test_non_ascii_text_is_encoded_and_reads_back_unchanged() -> None:
    subject = "खाता विवरण: Sharma Traders — April " + "long words " * 12
    sender = Sender("reports@example.in", 'शर्मा & Sons "Accounts"', None)
    message = build_message(_email(subject, cc=["a@example.in", "b@example.in"]), sender)
    for data in _flattenings(message):
        assert max(len(line) for line in _lines(data)[0].split(b"\n")) <= 78
        parsed = _parsed(data)
        assert parsed["Subject"] == subject.strip()
        assert parsed["From"].addresses[0].display_name == 'शर्मा & Sons "Accounts"'
        assert parsed["Cc"].addresses[1].addr_spec == "b@example.in"


def test_plain_text_is_written_as_it_is() -> None:
    sender = Sender("reports@example.in", "Sharma & Sons", None)
    data = flatten_message(build_message(_email("Ledger statement: Sharma Traders"), sender))
    assert b"\r\nSubject: Ledger statement: Sharma Traders\r\n" in data
    assert data.startswith(b'From: "Sharma & Sons" <reports@example.in>\r\n')


def test_stored_control_characters_become_spaces() -> None:
    assert plain_text("a\r\nBcc: x\x00y\u2028z\tw") == "a  Bcc: x y z w"
    header = text_header("Subject", "hi\r\nBcc: x@evil.com")
    assert header.fold(policy=POLICY) == "Subject: hi  Bcc: x@evil.com\n"


def test_an_encoded_word_in_a_file_name_stays_in_its_parameter(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"date,amount\n")
    name = "=?utf-8?q?a=0D=0ABcc:_x@evil.com?=.csv"
    part = attachment_part(Attachment(path, name, "csv"))
    data = part.as_bytes(policy=email.policy.SMTP)
    assert "Bcc" not in _header_names(data)
    filename = _parsed(data).get_filename()
    assert filename is not None and "\n" not in filename and "=?" not in filename


@pytest.mark.parametrize("repeat", [1, 30])
def test_a_devanagari_file_name_is_rfc_2231_in_short_lines(tmp_path: Path, repeat: int) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    tail = "~759c02_2026-04-01_2026-12-04.pdf"
    name = "Ledger_" + "-".join(["श्री-गणेश"] * repeat) + tail
    data = attachment_part(Attachment(path, name, "pdf")).as_bytes(policy=email.policy.SMTP)
    head = data.split(b"\r\n\r\n")[0]
    assert head.isascii() and max(len(line) for line in head.split(b"\r\n")) <= 78
    parsed = _parsed(data)
    assert parsed.get_filename() == name
    assert parsed.get_param("name") == "Ledger_" + "-".join(["Shri-Ganesh"] * repeat) + tail


@pytest.mark.parametrize(("zone", "offset"), [("Asia/Kolkata", 330), ("Asia/Dubai", 240)])
def test_the_date_is_written_in_the_tenants_zone(zone: str, offset: int) -> None:
    sender = Sender("reports@example.in", None, None)
    data = flatten_message(build_message(_email("Statement"), sender, timezone=zone))
    date = _parsed(data)["Date"].datetime
    assert date.utcoffset() == timedelta(minutes=offset)
    assert abs(date - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_confirmation_link_is_clickable_in_html_and_nothing_else_becomes_a_link() -> None:
    email = _email("Statement")
    link = "https://ledgerpost.example/confirm/zy0IsaEzTkqJiNGJm6hK4AAAAABrO4Za97vcMYDCnVVT"
    # A confirmation-shaped link on another host (typed into a message) stays text: only our
    # own public address becomes a link.
    forged = "https://ledgerpost.example.evil.in/confirm/zy0IsaEzTkqJiNGJm6hK4AAAAABrO4Za9"
    email.body = f"Please confirm: {link}\nSee <b>https://evil.example/x</b>\nOr {forged}\nRegards"
    message = build_message(
        email,
        Sender("ledgers@example.in", None, None),
        public_base_url="https://ledgerpost.example/",
    )
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None
    html = str(html_part.get_content())
    assert f'<a href="{link}">{link}</a>' in html
    assert "evil.example/x" in html and 'href="https://evil.example' not in html
    assert "&lt;b&gt;" in html
    assert forged in html and f'href="{forged}' not in html
