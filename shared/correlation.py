"""The correlation id that follows one request through every event and log line.

It lives in a context variable of its own, below both the event catalogue (which copies it into
every envelope) and the logging set-up (which writes it on every line), so neither imports the
other.
"""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterator

correlation_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "correlation_id", default=None
)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def current_correlation_id() -> str | None:
    return correlation_id_var.get()


@contextlib.contextmanager
def correlated(correlation_id: str | None) -> Iterator[None]:
    """Log lines and events made inside the block carry `correlation_id`."""
    token = correlation_id_var.set(correlation_id)
    try:
        yield
    finally:
        correlation_id_var.reset(token)
