"""Ageing buckets of the outstanding report: how overdue a pending bill is, as of a date."""

from __future__ import annotations

from datetime import date

# (label, first day, last day or None for open-ended); a bill not yet due is 0 days overdue.
AGEING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-30", 0, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)
BUCKET_LABELS = tuple(label for label, _, _ in AGEING_BUCKETS)


def days_overdue(due_date: date, as_of: date) -> int:
    return max(0, (as_of - due_date).days)


def ageing_bucket(days: int) -> str:
    for label, first, last in AGEING_BUCKETS:
        if days >= first and (last is None or days <= last):
            return label
    raise ValueError(f"negative days overdue: {days}")
