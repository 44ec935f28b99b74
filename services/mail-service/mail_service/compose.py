"""Building the MIME message: text and HTML alternatives, the report attached or linked.

BCC recipients never appear in the headers: they are envelope recipients only. Headers made of
stored text (addresses, the sender's name, the subject) are written by `headers.py`, never
parsed by the email package (which would decode encoded words into line breaks).
"""

from __future__ import annotations

import asyncio
import functools
import html
import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from shared.domain.file_names import ascii_file_name, safe_file_name
from shared.domain.links import CONFIRM_PATH, CONFIRMATION_URL_IN_TEXT
from shared.domain.local_time import now_in
from shared.domain.report_emails import finished_body, link_expiry_text
from shared.domain.reports.labels import Labels, labels_for
from shared.infra.db.models import Email
from shared.languages import DEFAULT_LANGUAGE, Language

from .headers import (
    WrittenHeader,
    address_list_header,
    attachment_disposition,
    mailbox_header,
    text_header,
)

MEDIA_TYPES = {
    "csv": ("text", "csv"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("application", "pdf"),
}
# A text part without a charset is US-ASCII by default (RFC 2046); the CSV is UTF-8 (with or
# without its byte-order mark), as the download's Content-Type says too.
MEDIA_PARAMS = {"csv": {"charset": "utf-8"}}


# Headers every message and part repeats with a handful of values ("text/plain;
# charset=\"utf-8\"", "7bit", "1.0"): parsed once. Multipart boundaries are unique: never kept.
_REPEATED_HEADERS = frozenset(
    {"content-type", "content-transfer-encoding", "content-disposition", "mime-version"}
)


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, minus two costs that were most of composing a message:
    the stock one builds a new class with `type()` on every header set, and parses the same
    structural header values again for every part. Header objects are immutable strings, so
    messages can share them."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type[BaseHeader]] = {}
        self._parsed = functools.lru_cache(maxsize=256)(super().__call__)

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        if (made := self._made.get(key)) is None:
            made = self._made[key] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: Any) -> BaseHeader:
        repeated = name.lower() in _REPEATED_HEADERS and isinstance(value, str)
        if repeated and "boundary=" not in value:
            return self._parsed(name, value)
        return super().__call__(name, value)


# The standard `email.policy.default` with the cached header classes; parts inherit it.
POLICY = policy.default.clone(header_factory=_HeaderClasses())


@dataclass(frozen=True)
class Sender:
    from_email: str
    from_name: str | None
    reply_to: str | None


@dataclass(frozen=True)
class Attachment:
    path: Path
    file_name: str
    format: str


MEGABYTE = 1024 * 1024


def megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f}".rstrip("0").rstrip(".") + " MB"


@dataclass(frozen=True)
class LinkReason:
    """Why a link rather than an attachment: the format's rule, or a file above the limit."""

    format: str
    file_size: int | None = None  # set with `limit`: the file was too large to attach
    limit: int | None = None

    def in_words(self, labels: Labels) -> str:
        if self.file_size is not None and self.limit is not None:
            return labels.link_reason_size.format(
                size=megabytes(self.file_size), limit=megabytes(self.limit)
            )
        return labels.link_reason_format.format(format=self.format.upper())


@dataclass(frozen=True)
class Link:
    url: str
    file_name: str
    expires_at: datetime
    reason: LinkReason


def attachment_part(attachment: Attachment) -> EmailMessage:
    """The report as a base64-encoded MIME part named as the download is: in its own script
    in `Content-Disposition` (RFC 2231), and transliterated into ASCII as the Content-Type's
    `name`, which readers without RFC 2231 fall back to."""
    part = EmailMessage(policy=POLICY)
    maintype, subtype = MEDIA_TYPES[attachment.format]
    part.set_content(
        attachment.path.read_bytes(),
        maintype=maintype,
        subtype=subtype,
        params=MEDIA_PARAMS.get(attachment.format),
    )
    name = safe_file_name(attachment.file_name)
    part["Content-Disposition"] = attachment_disposition(name)
    if not name.isascii():
        part.set_param("name", ascii_file_name(name))
    return part


_PART_OVERHEAD = 1024  # bytes: headers and objects of one part, roughly


class AttachmentParts:
    """Encoded attachment parts kept for reuse, least recently used out first, up to
    `capacity_bytes` in all: emails of one report (a batch, a distribution list) read and
    encode the file once. A part is only ever read after it is made, so messages can share it;
    the file's size and modification time are part of the key."""

    def __init__(self, capacity_bytes: int) -> None:
        self._capacity = capacity_bytes
        self._held = 0
        self._parts: OrderedDict[tuple[str, int, int, str], tuple[EmailMessage, int]] = (
            OrderedDict()
        )

    async def get(self, attachment: Attachment) -> EmailMessage:
        """The attachment's part, read and encoded (off the event loop) when not kept."""
        stat = attachment.path.stat()
        key = (str(attachment.path), stat.st_size, stat.st_mtime_ns, attachment.file_name)
        if (cached := self._parts.get(key)) is not None:
            self._parts.move_to_end(key)
            return cached[0]
        # A 25 MB file takes a while to read and encode: the other lanes keep sending meanwhile.
        part = await asyncio.to_thread(attachment_part, attachment)
        size = _held_bytes(stat.st_size)
        if size <= self._capacity and key not in self._parts:
            self._parts[key] = (part, size)
            self._held += size
            while self._held > self._capacity:
                _, (_, evicted) = self._parts.popitem(last=False)
                self._held -= evicted
        return part


def _held_bytes(file_size: int) -> int:
    """What a part holds: the base64 text (76-character lines) and its headers and objects."""
    encoded = (file_size + 2) // 3 * 4
    return encoded + encoded // 76 + _PART_OVERHEAD


def build_message(
    email: Email,
    sender: Sender,
    attachment: EmailMessage | None = None,
    link: Link | None = None,
    timezone: str = "Asia/Kolkata",
    *,
    public_base_url: str | None = None,
) -> EmailMessage:
    """The whole message; `attachment` is a part from `attachment_part` (or the cache).

    A report email (`email.language` set) has its body's `{link_expiry}` filled here, where
    the link is made, in the tenant's `timezone`; the link's paragraph is in its language."""
    message = EmailMessage(policy=POLICY)
    message["From"] = _from_header(sender.from_email, sender.from_name)
    message["To"] = address_list_header("To", email.to_addresses)
    if email.cc_addresses:
        message["Cc"] = address_list_header("Cc", email.cc_addresses)
    if sender.reply_to:
        message["Reply-To"] = _reply_to_header(sender.reply_to)
    message["Subject"] = text_header("Subject", email.subject)
    # In the tenant's zone (`+0530`): a reader that shows the header as written shows IST.
    message["Date"] = format_datetime(now_in(timezone))
    message["Message-ID"] = email.message_id
    language = Language(email.language or DEFAULT_LANGUAGE)
    until = link_expiry_text(link.expires_at, timezone) if link is not None else None
    body = finished_body(email.body, language, until) if email.language else email.body
    text = body.rstrip() + "\n"
    ours = public_base_url.rstrip("/") + CONFIRM_PATH if public_base_url else None
    body_html = "<br>\n".join(
        _linked(html.escape(line), ours) for line in body.rstrip().splitlines()
    )
    if link is not None:
        labels = labels_for(language)
        words = {"link_expiry": until or "", "reason": link.reason.in_words(labels)}
        text += "\n" + labels.link_note.format(file_name=link.file_name, url=link.url, **words)
        text += "\n"
        # In HTML the file name is the link; the label's own words are escaped, then filled.
        anchor = f'<a href="{html.escape(link.url)}">{html.escape(link.file_name)}</a>'
        filled = {"file_name": anchor, "url": "", **{k: html.escape(v) for k, v in words.items()}}
        first, _, rest = labels.link_note.partition("\n")
        lead = html.escape(first.replace(": {url}", "")).format(**filled)
        body_html += f"<p>{lead}<br><small>{html.escape(rest).format(**filled)}</small></p>"
    message.set_content(text)
    message.add_alternative(f"<html><body><p>{body_html}</p></body></html>", subtype="html")
    if attachment is not None:
        message.make_mixed()
        message.attach(attachment)
    return message


def _linked(escaped_line: str, ours: str | None) -> str:
    """An escaped line with its balance confirmation links made clickable (a party on a phone
    taps it); nothing else in a body becomes a link, nor a confirmation-shaped link on any
    host but our own public address (`ours`: its `/confirm/` prefix)."""
    if ours is None:
        return escaped_line

    def anchor(found: re.Match[str]) -> str:
        url = found.group(0)
        return f'<a href="{url}">{url}</a>' if url.startswith(ours) else url

    return CONFIRMATION_URL_IN_TEXT.sub(anchor, escaped_line)


# A tenant's From and Reply-To are the same in every message: written once.
@functools.lru_cache(maxsize=256)
def _from_header(from_email: str, from_name: str | None) -> WrittenHeader:
    return mailbox_header("From", from_email, from_name)


@functools.lru_cache(maxsize=256)
def _reply_to_header(reply_to: str) -> WrittenHeader:
    return mailbox_header("Reply-To", reply_to)


def envelope_recipients(email: Email) -> list[str]:
    """To, CC and BCC, each address once (the envelope is what BCC rides on)."""
    seen: dict[str, None] = {}
    for address in (*email.to_addresses, *email.cc_addresses, *email.bcc_addresses):
        seen.setdefault(address, None)
    return list(seen)
