"""Read one mailbox message as a bounce, or decide it is none.

Two shapes are understood:
- **RFC 3464**: `multipart/report; report-type=delivery-status` with a `message/delivery-status`
  part (Postfix, Gmail, Outlook/Exchange, Exim with DSN, most MTAs today). Each recipient block
  whose `Action` is `failed` is a failed recipient, with its `Status` (5.1.1) and
  `Diagnostic-Code`; `delayed`, `delivered`, `relayed` and `expanded` are not bounces.
- **Non-standard** (classic Exim, qmail, sendmail-style texts): a message from MAILER-DAEMON or
  postmaster, or with a bounce's subject or `X-Failed-Recipients`, whose human-readable text
  names the addresses that failed. Only the text before the copy of the original message is
  read for addresses (the copy's To would name every recipient), and a message that says it
  is still trying (a delay warning) is not a bounce.

The original message is named by its `Message-ID`, from the returned message or headers part,
else from a `Message-ID:` line quoted in the text, else from the bounce's own `In-Reply-To` or
`References`. Which recipients count is decided when the email is found (`matching`): an
address the email was not sent to is never marked.

The input is untrusted mail from the internet: nothing is decoded into headers we write,
every text kept is cut to a bounded length, and a malformed message is simply not a bounce.
"""

from __future__ import annotations

import base64
import quopri
import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import Message
from email.parser import HeaderParser

# Kept from a notification: enough for a person to see why, never a whole message.
DIAGNOSTIC_MAX_CHARS = 500

_MESSAGE_ID = re.compile(
    r"^[ \t]*Message-ID:[ \t]*(<[^<>\s]{3,250}>)", re.IGNORECASE | re.MULTILINE
)
_ANGLE_ID = re.compile(r"<[^<>\s]{3,250}>")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_ENHANCED = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_BASIC = re.compile(r"\b([245]\d\d)\b")
_QMAIL_CODE = re.compile(r"#([245]\.\d{1,3}\.\d{1,3})")
_DAEMONS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailer)@", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|returned mail|mail delivery failed|delivery status notification|"
    r"delivery failure|failure notice|could not be delivered|non[- ]?delivery|"
    r"returned to sender",
    re.IGNORECASE,
)
_STILL_TRYING = re.compile(
    r"delayed|will (?:keep|continue) trying|still trying|will be retried|not yet been delivered",
    re.IGNORECASE,
)
# Where the copy of the original message begins in a non-standard bounce's text.
_COPY_STARTS = re.compile(
    r"^.*(?:copy of the (?:original )?message|original message follows|below this line is a copy|"
    r"returned message|message headers follow|undelivered message follows).*$"
    r"|^(?:Return-Path|Received|Message-ID|DKIM-Signature|MIME-Version):",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True)
class FailedRecipient:
    """One recipient a notification says could not be delivered. `addresses` holds the
    final recipient and, when given, the original one (lower-cased): either may be ours."""

    addresses: tuple[str, ...]
    status_code: str | None
    diagnostic: str | None


@dataclass(frozen=True)
class BounceReport:
    message_ids: tuple[str, ...]  # candidates for the original's Message-ID, best first
    recipients: tuple[FailedRecipient, ...]
    reporting_mta: str | None
    standard: bool  # an RFC 3464 report, or a non-standard text


def looks_like_bounce(headers: Message) -> bool:
    """From the headers alone: worth fetching the whole message? (Cheap first pass of a scan.)"""
    content_type = headers.get_content_type()
    if content_type == "multipart/report":
        return True
    sender = _first_address(str(headers.get("From", "")))
    subject = str(headers.get("Subject", ""))
    return bool(
        (sender and _DAEMONS.match(sender))
        or _BOUNCE_SUBJECT.search(subject)
        or headers.get("X-Failed-Recipients")
    )


def read_bounce(raw: bytes) -> BounceReport | None:
    """The bounce `raw` reports, or None when it is no bounce (or none we can read)."""
    try:
        message = message_from_bytes(raw, policy=policy.compat32)
        report = _standard_report(message)
        if report is None and looks_like_bounce(message):
            report = _non_standard_report(message)
    except (ValueError, LookupError, TypeError, AttributeError):  # binascii.Error too
        return None  # the parser gave up on a malformed message: not a bounce we can read
    except RecursionError:
        return None  # parts nested thousands deep (hostile): walking them exhausts the stack
    if report is None or not report.recipients:
        return None
    return report


def _standard_report(message: Message) -> BounceReport | None:
    status_part = next(
        (p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status_part is None:
        return None
    blocks = _status_blocks(status_part)
    if not blocks:
        return None
    per_message, per_recipient = blocks[0], blocks[1:]
    recipients = [r for r in (_failed_recipient(block) for block in per_recipient) if r]
    return BounceReport(
        message_ids=_original_ids(message),
        recipients=tuple(recipients),
        reporting_mta=_clip(_typed_value(per_message.get("Reporting-MTA"))),
        standard=True,
    )


def _status_blocks(part: Message) -> list[Message]:
    """The per-message block and the per-recipient blocks of a `message/delivery-status` part."""
    payload = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    if encoding not in ("base64", "quoted-printable"):
        if isinstance(payload, list):
            return [block for block in payload if isinstance(block, Message)]
        return _split_blocks(str(payload))
    # Encoded (Exchange does this): the parser took the encoded text for one block's body.
    encoded = payload if isinstance(payload, str) else ""
    if isinstance(payload, list):
        encoded = "".join(str(b.get_payload()) for b in payload if isinstance(b, Message))
    data = base64.b64decode(encoded) if encoding == "base64" else quopri.decodestring(encoded)
    return _split_blocks(data.decode("utf-8", "replace"))


def _split_blocks(text: str) -> list[Message]:
    chunks = re.split(r"\r?\n[ \t]*\r?\n", text.strip())
    return [HeaderParser().parsestr(chunk.strip() + "\n") for chunk in chunks if chunk.strip()]


def _failed_recipient(block: Message) -> FailedRecipient | None:
    action = str(block.get("Action", "")).strip().lower()
    status = str(block.get("Status", "")).strip()
    if action != "failed" and not (not action and status.startswith("5")):
        return None
    addresses = [
        _typed_value(block.get(name)) for name in ("Final-Recipient", "Original-Recipient")
    ]
    found = tuple(dict.fromkeys(a.lower() for a in addresses if a and "@" in a))
    if not found:
        return None
    code = _ENHANCED.search(status)
    return FailedRecipient(
        addresses=found,
        status_code=code.group(1) if code else None,
        diagnostic=_clip(_typed_value(block.get("Diagnostic-Code"))),
    )


def _non_standard_report(message: Message) -> BounceReport | None:
    text = _human_text(message)
    if _STILL_TRYING.search(str(message.get("Subject", ""))) or _STILL_TRYING.search(text):
        return None
    cut = _COPY_STARTS.search(text)
    explained = text[: cut.start()] if cut else text
    named = [a.strip() for a in str(message.get("X-Failed-Recipients", "")).split(",")]
    addresses = [a for a in named if "@" in a] or _ADDRESS.findall(explained)
    sender = _first_address(str(message.get("From", "")))
    recipients: list[FailedRecipient] = []
    for address in dict.fromkeys(a.lower().strip("<>.:") for a in addresses):
        if address == sender:
            continue
        reason = _reason_near(explained, address)
        recipients.append(FailedRecipient((address,), _status_code(reason), _clip(reason)))
    return BounceReport(
        message_ids=_original_ids(message),
        recipients=tuple(recipients),
        reporting_mta=None,
        standard=False,
    )


def _reason_near(text: str, address: str) -> str | None:
    """The lines that follow the address in a bounce's text, up to the next blank line."""
    at = text.lower().find(address)
    if at < 0:
        return None
    following = text[at + len(address) :].lstrip(">:; \t").split("\n")
    lines: list[str] = []
    for line in following[:12]:
        if lines and not line.strip():
            break
        lines.append(line.strip())
    return " ".join(line for line in lines if line) or None


def _status_code(reason: str | None) -> str | None:
    if not reason:
        return None
    for pattern in (_ENHANCED, _QMAIL_CODE, _BASIC):
        found = pattern.search(reason)
        if found:
            return found.group(1)
    return None


def _original_ids(message: Message) -> tuple[str, ...]:
    ids: list[str] = []
    if not message.is_multipart():  # a plain-text bounce quotes the original in its body
        ids += _MESSAGE_ID.findall(_decoded_text(message))
    for part in message.walk():
        if part is message:
            continue
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            inner = part.get_payload()
            original = inner[0] if isinstance(inner, list) and inner else None
            if isinstance(original, Message) and original.get("Message-ID"):
                ids += _ANGLE_ID.findall(str(original["Message-ID"]))
        elif content_type in ("text/rfc822-headers", "message/rfc822-headers", "text/plain"):
            ids += _MESSAGE_ID.findall(_decoded_text(part))
    for name in ("In-Reply-To", "References"):
        ids += _ANGLE_ID.findall(str(message.get(name, "")))
    own = str(message.get("Message-ID", "")).strip()
    # Ours are printable ASCII; anything else (a NUL, which PostgreSQL refuses even as a query
    # parameter) is not a Message-ID of ours and must not reach the query.
    return tuple(i for i in dict.fromkeys(ids) if i != own and i.isascii() and i.isprintable())


def _human_text(message: Message) -> str:
    """The bounce's own text parts, not those inside a returned message."""
    if not message.is_multipart():
        return _decoded_text(message)
    texts: list[str] = []
    for part in message.get_payload():
        if not isinstance(part, Message) or part.get_content_type() == "message/rfc822":
            continue
        if part.is_multipart():
            texts.append(_human_text(part))
        elif part.get_content_type() == "text/plain":
            texts.append(_decoded_text(part))
    return "\n".join(texts)


def _decoded_text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return data.decode(charset, "replace").replace("\r\n", "\n")
    except LookupError:
        return data.decode("utf-8", "replace").replace("\r\n", "\n")


def _typed_value(value: object) -> str | None:
    """`rfc822; user@example.com` -> `user@example.com`; header folding undone."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    kind, separator, rest = text.partition(";")
    return (rest if separator else kind).strip().strip("<>") or None


def _first_address(text: str) -> str | None:
    found = _ADDRESS.search(text)
    return found.group(0).lower() if found else None


def _clip(text: str | None) -> str | None:
    if not text:
        return None
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text[:DIAGNOSTIC_MAX_CHARS]
