"""What went wrong talking to a tenant's SMTP server, in words an admin understands.

`SendFailure` carries the class filed in the audit (`auth`, `tls`, `timeout`, ...), a plain
reason and whether trying again could help; `classify` turns whatever aiosmtplib or the
network raised into one.
"""

from __future__ import annotations

import socket
import ssl
from typing import TYPE_CHECKING

import aiosmtplib

from shared.domain.bounces.recipients import RECIPIENTS_REFUSED

if TYPE_CHECKING:
    from .smtp import SmtpTarget

# How the failure is filed in the audit, and whether trying again could help.
PERMANENT_CLASSES = frozenset(
    {
        "auth",
        "auth_unsupported",
        "smtp_5xx",
        RECIPIENTS_REFUSED,
        "tls",
        "dns",
        "config",
        "host_not_allowed",
        "compose",
        "gave_up",
    }
)


class SendFailure(Exception):
    """A failed send, classified: `error_class`, a plain-language `reason`, `permanent`."""

    def __init__(
        self, error_class: str, reason: str, code: int | None = None, reply: str | None = None
    ) -> None:
        super().__init__(reason)
        self.error_class = error_class
        self.reason = reason
        self.code = code
        self.reply = reply
        # Failed before any message was offered (connect, TLS, login): the server, not the
        # message, is the problem, and the next message would fare the same.
        self.at_connect = False

    @property
    def permanent(self) -> bool:
        return self.error_class in PERMANENT_CLASSES


def classify(exc: BaseException, target: SmtpTarget) -> SendFailure:
    """Turn whatever aiosmtplib or the network raised into a SendFailure an admin understands."""
    where = f"{target.host}:{target.port}"
    if isinstance(exc, SendFailure):
        return exc
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return SendFailure(
            "auth", "the server rejected the username or password", exc.code, exc.message
        )
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        refused = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
        return SendFailure(RECIPIENTS_REFUSED, f"every recipient was refused ({refused})")
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        kind = "smtp_4xx" if 400 <= exc.code < 500 else "smtp_5xx"
        return SendFailure(
            kind, f"the server answered {exc.code} {exc.message}", exc.code, exc.message
        )
    if isinstance(exc, (aiosmtplib.SMTPTimeoutError, TimeoutError)):
        return SendFailure(
            "timeout", f"the server at {where} did not answer within {target.timeout:g} s"
        )
    cause = exc.__cause__ or exc.__context__
    for candidate in (exc, cause):
        if isinstance(candidate, socket.gaierror):
            return SendFailure("dns", f"the host name {target.host!r} could not be found (DNS)")
        if isinstance(candidate, ssl.SSLError):
            return SendFailure(
                "tls", f"the TLS handshake with {where} failed: {candidate.reason or candidate}"
            )
        if isinstance(candidate, ConnectionRefusedError):
            return SendFailure("connection_refused", f"{where} refused the connection")
    text = str(exc)
    if "Name or service not known" in text or "nodename nor servname" in text:
        return SendFailure("dns", f"the host name {target.host!r} could not be found (DNS)")
    if "SSL" in text or "TLS" in text or "certificate" in text:
        return SendFailure("tls", f"the TLS handshake with {where} failed: {text}")
    if "refused" in text.lower():
        return SendFailure("connection_refused", f"{where} refused the connection")
    if isinstance(exc, (aiosmtplib.SMTPServerDisconnected, ConnectionError, OSError)):
        return SendFailure("disconnected", f"the connection to {where} was lost: {text}")
    return SendFailure("unexpected", f"sending failed: {type(exc).__name__}: {text}")


def login_failure(
    exc: aiosmtplib.SMTPException, client: aiosmtplib.SMTP, target: SmtpTarget
) -> SendFailure | None:
    """`auth_unsupported` when a login failed because the server offers none we can use.

    aiosmtplib's words for a server without AUTH say "try TLS", which read as a TLS failure;
    the admin needs to know the server offers no login."""
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return None  # the server answered the login: a wrong password, a 4xx, ...
    offered = client.server_auth_methods
    where = f"{target.host}:{target.port}"
    if not client.supports_extension("auth"):
        reason = f"the server at {where} does not offer a login (no AUTH)"
        if target.security == "none":
            reason += "; many offer one only over an encrypted connection (starttls or ssl)"
        else:
            reason += "; remove the username to send without logging in"
    elif not offered or "No suitable authentication method" in str(exc):
        methods = ", ".join(offered) or "none"
        reason = f"the server at {where} offers no login method we support ({methods})"
    else:
        return None
    return SendFailure("auth_unsupported", reason)
