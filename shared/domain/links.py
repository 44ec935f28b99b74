"""Public links in emails, no login needed: downloads (`/api/v1/files/{token}`) and balance
confirmations (`/confirm/{token}`).

A token names one row (an export job, a confirmation) and an expiry, signed with HMAC-SHA256
under `FILE_LINK_SECRET`: a tampered token fails the signature (404, nothing revealed), an
expired one is refused (410). Each kind of link signs its purpose too, so a token made for
one can never open the other (a confirmation's id is not a job's, whatever the bytes say).
Tokens are URL-safe and short enough for any mail client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

_PAYLOAD = struct.Struct(">16sQ")  # job id, expiry as Unix seconds
_SIGNATURE_BYTES = 20  # 160 bits of HMAC-SHA256: plenty, and keeps links short
FILES_PATH = "/api/v1/files/"
CONFIRM_PATH = "/confirm/"
# Download links predate purposes and keep signing the bare payload (links already sent
# stay valid); every other kind signs its purpose, NUL-terminated, before the payload.
_FILE_PURPOSE = b""
_CONFIRMATION_PURPOSE = b"balance-confirmation\0"


class InvalidLinkError(ValueError):
    """Not a token we signed (tampered, truncated, or another secret)."""


@dataclass(frozen=True)
class FileLink:
    job_id: uuid.UUID
    expires_at: datetime


@dataclass(frozen=True)
class ConfirmationLink:
    confirmation_id: uuid.UUID
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    """The bytes of a token, which must be spelled exactly as `_b64` writes them: the decoder
    alone would skip characters outside the alphabet and ignore the last character's unused
    low bits, so several spellings would open one link (harmless for the signature, but a
    token is one string, and a tampered one must never open anything)."""
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(raw) != text:
        raise ValueError("not the canonical spelling of a token")
    return raw


def _sign(secret: str, payload: bytes, purpose: bytes = _FILE_PURPOSE) -> bytes:
    digest = hmac.new(secret.encode(), purpose + payload, hashlib.sha256).digest()
    return digest[:_SIGNATURE_BYTES]


def _make_token(secret: str, purpose: bytes, row_id: uuid.UUID, expires_at: datetime) -> str:
    payload = _PAYLOAD.pack(row_id.bytes, int(expires_at.timestamp()))
    return _b64(payload + _sign(secret, payload, purpose))


def _read_token(secret: str, purpose: bytes, token: str) -> tuple[uuid.UUID, datetime]:
    try:
        raw = _unb64(token)
    except ValueError as exc:
        raise InvalidLinkError("malformed token") from exc
    payload, signature = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if len(payload) != _PAYLOAD.size or not hmac.compare_digest(
        signature, _sign(secret, payload, purpose)
    ):
        raise InvalidLinkError("bad signature")
    row_bytes, expires = _PAYLOAD.unpack(payload)
    return uuid.UUID(bytes=row_bytes), datetime.fromtimestamp(expires, UTC)


def make_file_token(secret: str, job_id: uuid.UUID, expires_at: datetime) -> str:
    return _make_token(secret, _FILE_PURPOSE, job_id, expires_at)


def make_file_url(base_url: str, secret: str, job_id: uuid.UUID, expires_at: datetime) -> str:
    """The absolute link to put in an email."""
    return base_url.rstrip("/") + FILES_PATH + make_file_token(secret, job_id, expires_at)


def read_file_token(secret: str, token: str) -> FileLink:
    """The job and expiry a token names; InvalidLinkError unless we signed it. Expiry is the
    caller's to check, so it can answer 410 rather than 404."""
    return FileLink(*_read_token(secret, _FILE_PURPOSE, token))


# A confirmation link as it stands in an email's text (the mail-service makes it clickable in
# the HTML part): no quote, bracket or space can be part of it, so it is safe inside href.
CONFIRMATION_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+/confirm/[A-Za-z0-9_-]{20,}")


def make_confirmation_url(
    base_url: str, secret: str, confirmation_id: uuid.UUID, expires_at: datetime
) -> str:
    """The absolute link to a balance confirmation's public page."""
    token = _make_token(secret, _CONFIRMATION_PURPOSE, confirmation_id, expires_at)
    return base_url.rstrip("/") + CONFIRM_PATH + token


def read_confirmation_token(secret: str, token: str) -> ConfirmationLink:
    """The confirmation and expiry a confirmation token names; InvalidLinkError unless we
    signed it for a confirmation (a download token is refused)."""
    return ConfirmationLink(*_read_token(secret, _CONFIRMATION_PURPOSE, token))
