"""Idempotency keys: the same key and body give the first result; another body is a 409."""

from __future__ import annotations

import hashlib
import json
from typing import Any


class IdempotencyConflictError(Exception):
    """The key was used before with a different request body."""


def request_fingerprint(body: Any) -> str:
    """A stable hash of a JSON-ready request body (key order does not matter)."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
