"""Prometheus metrics every service exposes on `GET /metrics`."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Redis Streams")
MESSAGES_HANDLED = Counter(
    "bus_messages_handled_total", "Stream messages handled", ["stream", "outcome"]
)
DEAD_LETTERS = Counter(
    "bus_dead_letters_total", "Messages moved to a dead-letter stream", ["stream"]
)
HANDLER_SECONDS = Histogram("bus_handler_seconds", "Time spent in event handlers", ["stream"])
HTTP_REQUESTS = Counter(
    "http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
EXPORTS_FINISHED = Counter(
    "export_jobs_finished_total", "Export jobs finished", ["report", "format", "status"]
)
BOOK_IMPORTS_FINISHED = Counter(
    "book_imports_finished_total", "Books imports (Tally uploads) finished", ["status"]
)
RECONCILED = Counter("reconciled_rows_total", "Rows re-announced by reconciliation", ["kind"])
MAILBOX_SCANS = Counter(
    "mailbox_scans_total", "Tenants' mailboxes read for bounces, by outcome", ["outcome"]
)
BOUNCES_RECORDED = Counter(
    "bounces_recorded_total", "Failed recipients of our emails read from tenants' mailboxes"
)


def render_latest() -> tuple[bytes, str]:
    """The exposition body and its content type."""
    return generate_latest(), CONTENT_TYPE_LATEST


EMAILS_FINISHED = Counter(
    "emails_finished_total", "Email attempts by outcome", ["trigger", "outcome"]
)
