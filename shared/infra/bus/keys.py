"""Every Redis key the bus writes besides the streams themselves, with why it exists."""

from __future__ import annotations

# `outbox:published:<outbox id>`: set atomically with the XADD of that outbox row, so a relay
# that crashed after publishing but before deleting the row cannot publish it a second time.
OUTBOX_PUBLISHED_PREFIX = "outbox:published:"


def outbox_published_key(prefix: str, outbox_id: int) -> str:
    return f"{prefix}{OUTBOX_PUBLISHED_PREFIX}{outbox_id}"
