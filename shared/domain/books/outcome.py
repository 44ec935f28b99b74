"""What a sync did: counts, and the rows it could not take, by line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import ValidationError

Row = TypeVar("Row", covariant=True)


@dataclass(frozen=True)
class Numbered(Generic[Row]):
    """A row and the line it came on (1-based: an NDJSON line, an array's element)."""

    line: int
    row: Row


@dataclass(frozen=True)
class RowError:
    line: int
    id: str | None
    field: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "id": self.id, "field": self.field, "message": self.message}


@dataclass
class SyncOutcome:
    """`received` counts every line; each good row is exactly one of applied (inserted or
    changed), unchanged or deleted; a bad row is one error (or more, naming its fields)."""

    received: int = 0
    applied: int = 0
    unchanged: int = 0
    deleted: int = 0
    errors: list[RowError] = field(default_factory=list)

    def refuse(
        self, numbered: Numbered[object], row_id: str | None, field: str, message: str
    ) -> None:
        self.errors.append(RowError(numbered.line, row_id, field, message))

    @property
    def changed(self) -> bool:
        return self.applied > 0 or self.deleted > 0

    def as_dict(self) -> dict[str, object]:
        return {
            "received": self.received,
            "applied": self.applied,
            "unchanged": self.unchanged,
            "deleted": self.deleted,
            "errors": [error.as_dict() for error in sorted(self.errors, key=lambda e: e.line)],
        }


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


HasId = TypeVar("HasId", bound=_HasId)


def first_of_each_id(
    rows: list[Numbered[HasId]], outcome: SyncOutcome
) -> Iterator[Numbered[HasId]]:
    """The rows in order, each id once: a later row with an id already seen is refused (one
    request says one thing about each row)."""
    seen: set[str] = set()
    for numbered in rows:
        if numbered.row.id in seen:
            outcome.refuse(
                numbered, numbered.row.id, "id", "this id appears earlier in the request"
            )
            continue
        seen.add(numbered.row.id)
        yield numbered


def validation_errors(line: int, item: Any, exc: ValidationError) -> list[RowError]:
    """A refused row's errors, one per field, naming the row's `id` when it has one."""
    row_id = item.get("id") if isinstance(item, dict) else None
    return [
        RowError(
            line,
            row_id if isinstance(row_id, str) else None,
            ".".join(str(part) for part in error["loc"]) or "row",
            str(error["msg"]).removeprefix("Value error, "),
        )
        for error in exc.errors(include_url=False)
    ]
