"""The event catalogue: every message that crosses the bus, and the streams they travel on.

Events are small frozen models that carry ids, never documents: a handler reads the row.
Facts are named in the past tense (`ExportFinished`), requests in the imperative
(`ExportRequested` asks for a render). Stream names are the constants below, nowhere else.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.correlation import current_correlation_id, new_correlation_id
from shared.states import EmailStatus, ExportStatus


class Streams:
    """Logical stream names (a deployment prefix is added by `Settings.stream`)."""

    EXPORT_REQUESTED = "export.requested"
    EXPORT_FINISHED = "export.finished"
    EMAIL_REQUESTED = "email.requested"
    EMAIL_FINISHED = "email.finished"
    SCHEDULE_RUN_DUE = "schedule.run_due"
    BOOKS_IMPORT_REQUESTED = "books.import_requested"


DEAD_LETTER_PREFIX = "dead."  # `dead.<stream>` holds messages that exhausted their deliveries


def _now() -> datetime:
    return datetime.now(UTC)


def _correlation_id() -> str:
    return current_correlation_id() or new_correlation_id()


class Event(BaseModel):
    """The envelope every event shares."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    stream: ClassVar[str]

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    occurred_at: datetime = Field(default_factory=_now)
    tenant_id: str
    correlation_id: str = Field(default_factory=_correlation_id)


class ExportRequested(Event):
    stream: ClassVar[str] = Streams.EXPORT_REQUESTED
    type: Literal["ExportRequested"] = "ExportRequested"
    job_id: uuid.UUID


class ExportFinished(Event):
    stream: ClassVar[str] = Streams.EXPORT_FINISHED
    type: Literal["ExportFinished"] = "ExportFinished"
    job_id: uuid.UUID
    # Only final states are announced; the wire carries the plain word.
    status: Literal[ExportStatus.SUCCEEDED, ExportStatus.FAILED]
    # The schedule run the job was made for (None: not a schedule's). The scheduler passes
    # over the others without reading the database: at month-end they are nearly all of them.
    schedule_run_id: uuid.UUID | None = None


class BooksImportRequested(Event):
    stream: ClassVar[str] = Streams.BOOKS_IMPORT_REQUESTED
    type: Literal["BooksImportRequested"] = "BooksImportRequested"
    import_id: uuid.UUID


class EmailRequested(Event):
    stream: ClassVar[str] = Streams.EMAIL_REQUESTED
    type: Literal["EmailRequested"] = "EmailRequested"
    email_id: uuid.UUID


class EmailFinished(Event):
    stream: ClassVar[str] = Streams.EMAIL_FINISHED
    type: Literal["EmailFinished"] = "EmailFinished"
    email_id: uuid.UUID
    status: Literal[EmailStatus.SENT, EmailStatus.FAILED, EmailStatus.REJECTED]
    schedule_run_id: uuid.UUID | None = None  # as on ExportFinished


class ScheduleRunDue(Event):
    stream: ClassVar[str] = Streams.SCHEDULE_RUN_DUE
    type: Literal["ScheduleRunDue"] = "ScheduleRunDue"
    run_id: uuid.UUID
    idempotency_key: str


EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        ExportRequested,
        ExportFinished,
        EmailRequested,
        EmailFinished,
        ScheduleRunDue,
        BooksImportRequested,
    )
}


class UnknownEventError(ValueError):
    """A message whose `type` is not in the catalogue (a newer producer, or garbage)."""


def encode_event(event: Event) -> dict[str, Any]:
    """The JSON-ready dict stored in the outbox and sent as the stream entry's `data` field."""
    return event.model_dump(mode="json")


def encode_event_text(event: Event) -> str:
    """`encode_event` as JSON text, in one step (what the outbox stores)."""
    return event.model_dump_json()


def decode_event(data: dict[str, Any]) -> Event:
    cls = EVENT_TYPES.get(str(data.get("type")))
    if cls is None:
        raise UnknownEventError(f"unknown event type {data.get('type')!r}")
    return cls.model_validate(data)
