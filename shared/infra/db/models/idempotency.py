"""The columns and index of a table whose rows a request with an `Idempotency-Key` creates
(export jobs, emails, statement runs): the same key and body give the first row back, the
same key with another body is refused (the fingerprint differs)."""

from __future__ import annotations

from typing import Annotated

from sqlalchemy import Index, String
from sqlalchemy.orm import mapped_column

IdempotencyKey = Annotated[str | None, mapped_column(String(200))]
# The request's fingerprint (sha256, hex), set only with a key.
RequestHash = Annotated[str | None, mapped_column(String(64))]


def idempotency_index(table: str) -> Index:
    """One row of `table` per key, per requester and tenant (two users may pick the same
    key); rows created without a key are left out of the index."""
    return Index(
        f"uq_{table}_idempotency",
        "tenant_id",
        "requested_by",
        "idempotency_key",
        unique=True,
        postgresql_where="idempotency_key IS NOT NULL",
    )
