"""Reading a sync body row by row: NDJSON as it streams in, or a JSON array.

Each row is checked as it is read and kept only in its checked form; a line that is not JSON
or not a valid row becomes an error naming its line and field, and the rest go on. The rows
a request may hold are capped (`BOOKS_MAX_ROWS_PER_REQUEST`, 413 naming it); the body's size
is capped by the gateway's body limit (`BOOKS_MAX_BODY_BYTES`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from api_gateway.http.problems import ProblemError
from shared.domain.books.outcome import Numbered, RowError, SyncOutcome, validation_errors

NDJSON = "application/x-ndjson"
JSON = "application/json"
M = TypeVar("M", bound=BaseModel)


async def read_rows(
    request: Request, model: type[M], max_rows: int
) -> tuple[list[Numbered[M]], SyncOutcome]:
    """The body's good rows, numbered by line, and an outcome holding the bad ones."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == NDJSON:
        items = _ndjson_items(request)
    elif media_type == JSON:
        items = _array_items(await request.body())
    else:
        raise ProblemError(
            415,
            f"send {NDJSON} (one object a line) or {JSON} (an array of objects)",
            code="unsupported_media_type",
        )
    outcome = SyncOutcome()
    rows: list[Numbered[M]] = []
    async for line, item in items:
        outcome.received += 1
        if outcome.received > max_rows:
            raise ProblemError(
                413,
                f"at most {max_rows} rows per request (BOOKS_MAX_ROWS_PER_REQUEST); "
                "split the sync into several requests",
                code="too_many_rows",
                extra={"limit": max_rows},
            )
        try:
            # An NDJSON line is parsed and checked in one pass by pydantic-core.
            row = (
                model.model_validate_json(item)
                if isinstance(item, bytes)
                else model.model_validate(item)
            )
        except ValidationError as exc:
            outcome.errors.extend(_refusals(line, item, exc))
            continue
        rows.append(Numbered(line, row))
    return rows, outcome


def _refusals(line: int, item: Any, exc: ValidationError) -> list[RowError]:
    if not isinstance(item, bytes):
        return validation_errors(line, item, exc)
    try:
        parsed = json.loads(item)
    except (UnicodeDecodeError, json.JSONDecodeError) as not_json:
        return [RowError(line, None, "line", f"not a JSON object: {not_json}")]
    return validation_errors(line, parsed, exc)


async def _ndjson_items(request: Request) -> AsyncIterator[tuple[int, Any]]:
    pending = b""
    line = 0
    async for chunk in request.stream():
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for raw in complete:
            line += 1
            if raw.strip():
                yield line, raw
    if pending.strip():
        yield line + 1, pending


async def _array_items(body: bytes) -> AsyncIterator[tuple[int, Any]]:
    try:
        items = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProblemError(422, f"the body is not JSON: {exc}", code="body_not_json") from None
    if not isinstance(items, list):
        raise ProblemError(422, "the body must be a JSON array of rows", code="body_not_array")
    for index, item in enumerate(items, start=1):
        yield index, item
