"""Keyset pagination over (created_at, id), newest first: stable while rows are added."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

from api_gateway.http.problems import field_error

T = TypeVar("T")


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created, row_id = json.loads(base64.urlsafe_b64decode(padded))
        moment = datetime.fromisoformat(created)
        if moment.tzinfo is None:
            raise ValueError("cursors carry an offset")
        # In UTC here, so an instant the database driver cannot convert (year 1 at +05:30)
        # is the caller's bad cursor, not a 500 from the driver.
        return moment.astimezone(UTC), uuid.UUID(row_id)
    except (ValueError, TypeError, OverflowError, binascii.Error):
        raise field_error("cursor", "not a cursor this API returned") from None


def newest_first(
    query: Select[Any],
    created_at: InstrumentedAttribute[datetime],
    row_id: InstrumentedAttribute[uuid.UUID],
    cursor: str | None,
    limit: int,
) -> Select[Any]:
    """The page after `cursor` (one extra row tells whether another page follows)."""
    if cursor:
        created, last_id = decode_cursor(cursor)
        query = query.where(
            or_(created_at < created, and_(created_at == created, row_id < last_id))
        )
    return query.order_by(created_at.desc(), row_id.desc()).limit(limit + 1)


def page(rows: list[T], limit: int, key: Any) -> tuple[list[T], str | None]:
    """Trim the extra row and make the next cursor from the last row kept."""
    if len(rows) <= limit:
        return rows, None
    last = rows[limit - 1]
    created, row_id = key(last)
    return rows[:limit], encode_cursor(created, row_id)
