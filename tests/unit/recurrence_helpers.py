"""Shared helpers of the recurrence tests: the timezones used and a UTC datetime maker."""

from __future__ import annotations

from datetime import UTC, datetime

NEW_YORK = "America/New_York"
LONDON = "Europe/London"
KOLKATA = "Asia/Kolkata"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)
