"""Keyset pagination over (created_at, id), newest first: stable while rows are added."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Query
from sqlalchemy import Select, and_, or_
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# `<microseconds since 1970 UTC>-<row id in hex>`: the row after which the next page starts.
# The pattern is the whole syntax (up to year 5138), so a cursor that matches it always works.
CURSOR_PATTERN = r"^[0-9]{1,17}-[0-9a-f]{32}$"
Cursor = Annotated[
    str | None,
    Query(pattern=CURSOR_PATTERN, description="`next_cursor` of the previous page."),
]


def encode_cursor(created_at: datetime, row_id: uuid.UUID) -> str:
    micros = (created_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}-{row_id.hex}"


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """The position a cursor names. The query parameter's pattern already holds it to the
    form `encode_cursor` writes, and every string of that form is a usable position."""
    micros, _, row_id = cursor.partition("-")
    return _EPOCH + timedelta(microseconds=int(micros)), uuid.UUID(hex=row_id)


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
