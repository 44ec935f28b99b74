"""Catch-up: the latest run in a window, at its edges and around DST transitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain.recurrence import latest_run_at_or_before, next_runs

from .recurrence_helpers import KOLKATA, LONDON, NEW_YORK, utc


def test_latest_run_inside_the_window() -> None:
    latest = latest_run_at_or_before("0 9 * * *", KOLKATA, utc(2026, 5, 10, 12), utc(2026, 5, 1))
    assert latest == utc(2026, 5, 10, 3, 30)
    assert latest is not None and latest.tzinfo is UTC


def test_latest_run_window_edges_are_inclusive() -> None:
    fire = utc(2026, 5, 10, 3, 30)
    assert latest_run_at_or_before("0 9 * * *", KOLKATA, fire, utc(2026, 5, 1)) == fire
    assert latest_run_at_or_before("0 9 * * *", KOLKATA, utc(2026, 5, 11), fire) == fire
    assert latest_run_at_or_before("0 9 * * *", KOLKATA, fire, fire) == fire


def test_no_run_in_the_window() -> None:
    assert (
        latest_run_at_or_before("0 9 * * *", KOLKATA, utc(2026, 5, 10, 12), utc(2026, 5, 10, 4))
        is None
    )
    assert latest_run_at_or_before("0 9 29 2 *", "UTC", utc(2027, 12, 1), utc(2024, 3, 1)) is None
    # An empty window.
    assert latest_run_at_or_before("* * * * *", "UTC", utc(2026, 5, 1), utc(2026, 5, 2)) is None


def test_latest_run_does_not_walk_the_window() -> None:
    # A century of minutes: walking forward from not_before would not finish.
    moment = utc(2026, 5, 10, 12, 34, 56)
    latest = latest_run_at_or_before("* * * * *", NEW_YORK, moment, utc(1926, 1, 1))
    assert latest == utc(2026, 5, 10, 12, 34)
    assert latest_run_at_or_before("0 9 29 2 *", "UTC", moment, utc(1926, 1, 1)) == utc(
        2024, 2, 29, 9
    )


def test_latest_run_finds_the_first_pass_of_a_repeated_hour() -> None:
    # At 01:00 EST (second pass) the 01:30 EDT run is already 30 minutes old.
    moment = utc(2026, 11, 1, 6)
    assert latest_run_at_or_before("30 1 * * *", NEW_YORK, moment, utc(2026, 11, 1)) == utc(
        2026, 11, 1, 5, 30
    )


@pytest.mark.parametrize("zone", [NEW_YORK, LONDON])
@pytest.mark.parametrize(
    "expression",
    ["30 1 * * *", "30 2 * * *", "0,30 2 * * *", "0 * * * *", "*/20 1-3 * * *", "15 0-3 * * *"],
)
@pytest.mark.parametrize(
    "transition", [date(2026, 3, 8), date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 1)]
)
def test_latest_run_agrees_with_next_runs_around_transitions(
    zone: str, expression: str, transition: date
) -> None:
    start = datetime(transition.year, transition.month, transition.day, tzinfo=UTC) - timedelta(
        hours=6
    )
    # The window includes `start`, so list the fires from just before it.
    fires = next_runs(expression, zone, start - timedelta(microseconds=1), 100)
    for step in range(0, 16 * 60, 10):
        moment = start + timedelta(minutes=step)
        expected = max((fire for fire in fires if fire <= moment), default=None)
        assert latest_run_at_or_before(expression, zone, moment, start) == expected, moment
