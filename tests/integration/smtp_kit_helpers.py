"""Shared helpers of the SMTP kit's own tests: credentials, a message, a verifying client."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import aiosmtplib

from tests.smtp_kit import SmtpSink

USER, PASSWORD = "mailer", "s3cret"
SENDER = "reports@ledgerpost.test"


def make_message(
    to: str = "owner@acme.in", *, cc: str | None = None, subject: str = "GSTR-1 export"
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = SENDER
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = subject
    msg.set_content("Your report is ready.\n")
    return msg


def client(sink: SmtpSink, **options: Any) -> aiosmtplib.SMTP:
    """An aiosmtplib client for `sink`; TLS variants verify the sink's certificate."""
    tls: dict[str, Any]
    if sink.security == "starttls":
        tls = {"start_tls": True, "tls_context": sink.client_tls_context()}
    elif sink.security == "ssl":
        tls = {"use_tls": True, "tls_context": sink.client_tls_context()}
    else:
        tls = {"start_tls": False}
    return aiosmtplib.SMTP(
        hostname=sink.host,
        port=sink.port,
        timeout=5,
        **tls,
        **options,
    )
