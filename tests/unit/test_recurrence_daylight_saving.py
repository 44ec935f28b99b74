"""Cron schedules across daylight saving: gaps, overlaps, sub-daily and fixed offsets."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.recurrence import next_run, next_runs

from .recurrence_helpers import KOLKATA, LONDON, NEW_YORK, utc


def test_new_york_spring_forward_runs_at_first_valid_instant() -> None:
    # 2026-03-08 02:30 does not exist in New York (02:00 EST -> 03:00 EDT).
    runs = next_runs("30 2 * * *", NEW_YORK, utc(2026, 3, 7, 12), 3)
    assert runs == [utc(2026, 3, 8, 7), utc(2026, 3, 9, 6, 30), utc(2026, 3, 10, 6, 30)]
    first = runs[0].astimezone(ZoneInfo(NEW_YORK))
    assert (first.hour, first.minute, first.utcoffset()) == (3, 0, timedelta(hours=-4))


def test_new_york_fall_back_runs_once() -> None:
    # 2026-11-01 01:30 happens twice (EDT, then EST): the first occurrence only.
    runs = next_runs("30 1 * * *", NEW_YORK, utc(2026, 10, 31, 12), 3)
    assert runs == [utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30), utc(2026, 11, 3, 6, 30)]


@pytest.mark.parametrize(
    "after",
    [
        utc(2026, 11, 1, 5, 30),  # exactly the first 01:30
        utc(2026, 11, 1, 5, 45),  # 01:45 EDT
        utc(2026, 11, 1, 6, 15),  # 01:15 EST, the repeated hour's second pass
        utc(2026, 11, 1, 6, 30),  # the second 01:30, which does not run
    ],
)
def test_no_second_run_from_inside_the_repeated_hour(after: datetime) -> None:
    assert next_run("30 1 * * *", NEW_YORK, after) == utc(2026, 11, 2, 6, 30)


def test_london_spring_forward_and_fall_back() -> None:
    # 2026-03-29 01:00 GMT -> 02:00 BST: 01:30 runs at 02:00 BST (01:00 UTC).
    assert next_runs("30 1 * * *", LONDON, utc(2026, 3, 28, 12), 2) == [
        utc(2026, 3, 29, 1),
        utc(2026, 3, 30, 0, 30),
    ]
    # 2026-10-25 02:00 BST -> 01:00 GMT: 01:30 happens twice and runs once (BST).
    assert next_runs("30 1 * * *", LONDON, utc(2026, 10, 24, 12), 2) == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]


def test_several_missing_times_collapse_into_one_run() -> None:
    runs = next_runs("0,30 2 * * *", NEW_YORK, utc(2026, 3, 8, 5), 3)
    assert runs == [utc(2026, 3, 8, 7), utc(2026, 3, 9, 6), utc(2026, 3, 9, 6, 30)]


def test_sub_daily_schedules_follow_elapsed_time() -> None:
    # "Every hour" skips the missing hour and runs in both passes of the repeated one.
    spring = next_runs("0 * * * *", NEW_YORK, utc(2026, 3, 8, 5, 30), 3)
    assert spring == [utc(2026, 3, 8, 6), utc(2026, 3, 8, 7), utc(2026, 3, 8, 8)]
    assert [run.astimezone(ZoneInfo(NEW_YORK)).hour for run in spring] == [1, 3, 4]
    fall = next_runs("0 * * * *", NEW_YORK, utc(2026, 11, 1, 4, 30), 3)
    assert fall == [utc(2026, 11, 1, 5), utc(2026, 11, 1, 6), utc(2026, 11, 1, 7)]
    assert [run.astimezone(ZoneInfo(NEW_YORK)).hour for run in fall] == [1, 1, 2]


def test_kolkata_is_a_fixed_offset() -> None:
    runs = next_runs("0 9 * * *", KOLKATA, utc(2026, 3, 7), 300)
    assert {(run.hour, run.minute) for run in runs} == {(3, 30)}
    assert runs[0] == utc(2026, 3, 7, 3, 30)
