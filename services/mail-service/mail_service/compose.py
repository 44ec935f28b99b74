"""Building the MIME message: text and HTML alternatives, the report attached or linked.

BCC recipients never appear in the headers: they are envelope recipients only.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from shared.db.models import Email

MEDIA_TYPES = {
    "csv": ("text", "csv"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pdf": ("application", "pdf"),
}


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


@dataclass(frozen=True)
class Link:
    url: str
    file_name: str
    expires_at: datetime
    reason: str  # why a link rather than an attachment, in plain words


def _address(email: str, name: str | None = None) -> Address:
    local, _, domain = email.rpartition("@")
    return Address(display_name=name or "", username=local, domain=domain)


def build_message(
    email: Email, sender: Sender, attachment: Attachment | None = None, link: Link | None = None
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = _address(sender.from_email, sender.from_name)
    message["To"] = [_address(a) for a in email.to_addresses]
    if email.cc_addresses:
        message["Cc"] = [_address(a) for a in email.cc_addresses]
    if sender.reply_to:
        message["Reply-To"] = _address(sender.reply_to)
    message["Subject"] = email.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = email.message_id
    text = email.body.rstrip() + "\n"
    body_html = "<br>\n".join(html.escape(line) for line in email.body.rstrip().splitlines())
    if link is not None:
        until = link.expires_at.strftime("%d %b %Y %H:%M UTC")
        text += (
            f"\nDownload {link.file_name}: {link.url}\n"
            f"(The link works until {until}; {link.reason}.)\n"
        )
        body_html += (
            f'<p>Download <a href="{html.escape(link.url)}">{html.escape(link.file_name)}</a>'
            f"<br><small>The link works until {until}; {html.escape(link.reason)}.</small></p>"
        )
    message.set_content(text)
    message.add_alternative(f"<html><body><p>{body_html}</p></body></html>", subtype="html")
    if attachment is not None:
        maintype, subtype = MEDIA_TYPES[attachment.format]
        message.add_attachment(
            attachment.path.read_bytes(),
            maintype=maintype,
            subtype=subtype,
            filename=attachment.file_name,
        )
    return message


def envelope_recipients(email: Email) -> list[str]:
    """To, CC and BCC, each address once (the envelope is what BCC rides on)."""
    seen: dict[str, None] = {}
    for address in (*email.to_addresses, *email.cc_addresses, *email.bcc_addresses):
        seen.setdefault(address, None)
    return list(seen)
