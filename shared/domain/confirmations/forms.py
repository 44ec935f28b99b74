"""The confirmation page's form is CSRF-safe without a login.

Each page view draws a random nonce, set as a cookie (HttpOnly, SameSite=Strict, scoped to the
link's path), and puts into the form a token: an HMAC of the nonce and the confirmation's id
under the link secret. An answer is accepted only when the form's token matches the cookie's
nonce for this confirmation (a double submit a forged cross-site form cannot make: it can
neither read nor set our cookie, and a strict cookie is not even sent with it) and, when the
browser names the page's origin, only from our own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid
from urllib.parse import urlsplit

FORM_COOKIE = "lp_confirm_form"
_PURPOSE = b"balance-confirmation-form\0"


def new_form_nonce() -> str:
    return secrets.token_urlsafe(18)


def form_token(secret: str, confirmation_id: uuid.UUID, nonce: str) -> str:
    """The hidden field that binds a form to its cookie and to one confirmation."""
    digest = hmac.new(
        secret.encode(), _PURPOSE + confirmation_id.bytes + nonce.encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode()


def form_token_valid(
    secret: str, confirmation_id: uuid.UUID, nonce: str | None, submitted: str | None
) -> bool:
    if not nonce or not submitted:
        return False
    return hmac.compare_digest(form_token(secret, confirmation_id, nonce), submitted)


def same_origin(origin: str | None, allowed: list[str]) -> bool:
    """Whether a request's `Origin` is one of ours. A request without one (an old browser, a
    client that is not a browser) or with `null` (a browser whose referrer policy strips it:
    Chromium sends `null` for a POST under `no-referrer`) is judged by its form token and
    cookie alone, which a cross-site form cannot present."""
    if origin is None or origin == "null":
        return True
    return origin.rstrip("/").lower() in {_origin(url) for url in allowed}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
