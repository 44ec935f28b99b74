"""The TLS context for connections to tenants' mail servers (SMTP and IMAP): the system's CAs,
plus `MAIL_SMTP_CA_FILE` when an operator trusts a private CA."""

from __future__ import annotations

import ssl
from pathlib import Path


def tls_context(ca_file: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context
