"""Public download links for emails: `/api/v1/files/{token}`, no login needed.

A token names one export job and an expiry, signed with HMAC-SHA256 under
`FILE_LINK_SECRET`: a tampered token fails the signature (404, nothing revealed), an
expired one is refused (410). Tokens are URL-safe and short enough for any mail client.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

_PAYLOAD = struct.Struct(">16sQ")  # job id, expiry as Unix seconds
_SIGNATURE_BYTES = 20  # 160 bits of HMAC-SHA256: plenty, and keeps links short
FILES_PATH = "/api/v1/files/"


class InvalidLinkError(ValueError):
    """Not a token we signed (tampered, truncated, or another secret)."""


@dataclass(frozen=True)
class FileLink:
    job_id: uuid.UUID
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def make_file_token(secret: str, job_id: uuid.UUID, expires_at: datetime) -> str:
    payload = _PAYLOAD.pack(job_id.bytes, int(expires_at.timestamp()))
    return _b64(payload + _sign(secret, payload))


def make_file_url(base_url: str, secret: str, job_id: uuid.UUID, expires_at: datetime) -> str:
    """The absolute link to put in an email."""
    return base_url.rstrip("/") + FILES_PATH + make_file_token(secret, job_id, expires_at)


def read_file_token(secret: str, token: str) -> FileLink:
    """The job and expiry a token names; InvalidLinkError unless we signed it. Expiry is the
    caller's to check, so it can answer 410 rather than 404."""
    try:
        raw = _unb64(token)
    except ValueError as exc:
        raise InvalidLinkError("malformed token") from exc
    payload, signature = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    if len(payload) != _PAYLOAD.size or not hmac.compare_digest(signature, _sign(secret, payload)):
        raise InvalidLinkError("bad signature")
    job_bytes, expires = _PAYLOAD.unpack(payload)
    return FileLink(uuid.UUID(bytes=job_bytes), datetime.fromtimestamp(expires, UTC))
