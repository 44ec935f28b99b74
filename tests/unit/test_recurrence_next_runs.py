"""The next runs of a cron schedule: results in UTC, inputs checked, odd dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.recurrence import Preview, latest_run_at_or_before, next_run, next_runs, preview

from .recurrence_helpers import KOLKATA, utc


def test_next_run_is_strictly_after_and_returns_utc() -> None:
    assert next_run("0 9 * * *", KOLKATA, utc(2026, 5, 1, 3, 30)) == utc(2026, 5, 2, 3, 30)
    assert next_run("0 9 * * *", KOLKATA, utc(2026, 5, 1, 3, 29, 59, 999999)) == utc(
        2026, 5, 1, 3, 30
    )
    ist = datetime(2026, 5, 1, 8, 0, tzinfo=ZoneInfo(KOLKATA))  # any aware input is fine
    result = next_run("0 9 * * *", KOLKATA, ist)
    assert result == utc(2026, 5, 1, 3, 30)
    assert result.tzinfo is UTC


def test_next_runs_count() -> None:
    assert next_runs("0 9 * * *", "UTC", utc(2026, 1, 1), 0) == []
    with pytest.raises(ValueError, match="count"):
        next_runs("0 9 * * *", "UTC", utc(2026, 1, 1), -1)


def test_preview_pairs_local_and_utc() -> None:
    items = preview("0 9 * * mon-fri", KOLKATA, utc(2026, 5, 1), 3)  # 2026-05-01 is a Friday
    assert [item.utc for item in items] == [
        utc(2026, 5, 1, 3, 30),
        utc(2026, 5, 4, 3, 30),
        utc(2026, 5, 5, 3, 30),
    ]
    assert all(item.local == item.utc for item in items)
    assert items[0].local.utcoffset() == timedelta(hours=5, minutes=30)
    assert (items[0].local.hour, items[0].local.minute) == (9, 0)
    assert isinstance(items[0], Preview)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2026, 5, 1, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_run("0 9 * * *", KOLKATA, naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_runs("0 9 * * *", KOLKATA, naive, 2)
    with pytest.raises(ValueError, match="timezone-aware"):
        preview("0 9 * * *", KOLKATA, naive, 2)
    with pytest.raises(ValueError, match="timezone-aware"):
        latest_run_at_or_before("0 9 * * *", KOLKATA, naive, utc(2026, 4, 1))
    with pytest.raises(ValueError, match="timezone-aware"):
        latest_run_at_or_before("0 9 * * *", KOLKATA, utc(2026, 5, 1), naive)


def test_day_31_fires_only_in_months_with_31_days() -> None:
    runs = next_runs("0 9 31 * *", "UTC", utc(2026, 1, 1), 8)
    assert [run.date() for run in runs] == [
        date(2026, 1, 31),
        date(2026, 3, 31),
        date(2026, 5, 31),
        date(2026, 7, 31),
        date(2026, 8, 31),
        date(2026, 10, 31),
        date(2026, 12, 31),
        date(2027, 1, 31),
    ]


def test_february_29_fires_in_leap_years_only() -> None:
    assert next_run("0 9 29 2 *", "UTC", utc(2026, 3, 1)) == utc(2028, 2, 29, 9)
    assert next_run("0 9 29 2 *", "UTC", utc(2028, 2, 29, 9)) == utc(2032, 2, 29, 9)
