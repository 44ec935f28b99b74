"""Cron schedules in IANA timezones: DST gaps and overlaps, odd dates, presets, catch-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.recurrence import (
    Preview,
    RecurrenceError,
    cron_from_preset,
    latest_run_at_or_before,
    next_run,
    next_runs,
    preview,
    validate_cron,
    validate_timezone,
)

NEW_YORK = "America/New_York"
LONDON = "Europe/London"
KOLKATA = "Asia/Kolkata"


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


# --- daylight saving time ---------------------------------------------------------------


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


# --- results, inputs ---------------------------------------------------------------------


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


# --- odd dates ---------------------------------------------------------------------------


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


# --- presets -----------------------------------------------------------------------------


def test_daily_preset() -> None:
    assert cron_from_preset({"kind": "daily", "time": "09:30"}) == "30 9 * * *"
    assert cron_from_preset({"kind": "daily", "time": "00:00"}) == "0 0 * * *"


def test_weekly_preset_runs_on_the_chosen_days() -> None:
    expression = cron_from_preset(
        {"kind": "weekly", "days": ["thu", "mon", "thu"], "time": "07:05"}
    )
    assert expression == "5 7 * * 1,4"
    runs = next_runs(expression, KOLKATA, utc(2026, 6, 1), 6)  # 2026-06-01 is a Monday
    local = [run.astimezone(ZoneInfo(KOLKATA)) for run in runs]
    assert [day.strftime("%a %d") for day in local] == [
        "Mon 01",
        "Thu 04",
        "Mon 08",
        "Thu 11",
        "Mon 15",
        "Thu 18",
    ]
    assert {(day.hour, day.minute) for day in local} == {(7, 5)}
    assert cron_from_preset({"kind": "weekly", "days": ["sun", "sat"], "time": "23:59"}) == (
        "59 23 * * 0,6"
    )


def test_monthly_preset_on_a_day_and_on_the_last_day() -> None:
    assert cron_from_preset({"kind": "monthly", "day": 1, "time": "06:00"}) == "0 6 1 * *"
    expression = cron_from_preset({"kind": "monthly", "day": "last", "time": "18:00"})
    assert expression == "0 18 L * *"
    runs = next_runs(expression, KOLKATA, utc(2026, 1, 1), 4)
    assert [run.astimezone(ZoneInfo(KOLKATA)).date() for run in runs] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    leap = next_runs(expression, KOLKATA, utc(2028, 2, 1), 1)[0]
    assert leap.astimezone(ZoneInfo(KOLKATA)) == datetime(2028, 2, 29, 18, tzinfo=ZoneInfo(KOLKATA))


@pytest.mark.parametrize(
    ("preset", "field"),
    [
        ({"kind": "daily", "time": "9:00"}, "preset.time"),
        ({"kind": "daily", "time": "24:00"}, "preset.time"),
        ({"kind": "daily", "time": "09:60"}, "preset.time"),
        ({"kind": "daily", "time": "09:00:00"}, "preset.time"),
        ({"kind": "daily", "time": 900}, "preset.time"),
        ({"kind": "daily"}, "preset.time"),
        ({"kind": "weekly", "days": [], "time": "09:00"}, "preset.days"),
        ({"kind": "weekly", "days": "mon", "time": "09:00"}, "preset.days"),
        ({"kind": "weekly", "days": ["mon", "funday"], "time": "09:00"}, "preset.days"),
        ({"kind": "weekly", "days": [1], "time": "09:00"}, "preset.days"),
        ({"kind": "weekly", "time": "09:00"}, "preset.days"),
        ({"kind": "monthly", "day": 0, "time": "09:00"}, "preset.day"),
        ({"kind": "monthly", "day": 32, "time": "09:00"}, "preset.day"),
        ({"kind": "monthly", "day": True, "time": "09:00"}, "preset.day"),
        ({"kind": "monthly", "day": "first", "time": "09:00"}, "preset.day"),
        ({"kind": "monthly", "day": "1", "time": "09:00"}, "preset.day"),
        ({"kind": "monthly", "time": "09:00"}, "preset.day"),
        ({"kind": "yearly", "time": "09:00"}, "preset.kind"),
        ({"time": "09:00"}, "preset.kind"),
        ({"kind": "daily", "time": "09:00", "days": ["mon"]}, "preset"),
    ],
)
def test_bad_presets_name_the_field(preset: dict[str, Any], field: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        cron_from_preset(preset)
    assert caught.value.field == field
    assert caught.value.message


# --- validation --------------------------------------------------------------------------


def test_validate_cron_normalizes_spaces() -> None:
    assert validate_cron("  0   9 * *\t*  ") == "0 9 * * *"
    assert validate_cron("*/15 9-17 * * mon-fri") == "*/15 9-17 * * mon-fri"


@pytest.mark.parametrize(
    "expression",
    [
        "",
        "   ",
        "0 9 * *",
        "0 0 9 * * *",  # six fields (seconds) are cronsim's extension, not ours
        "@daily",
        "61 9 * * *",
        "0 24 * * *",
        "0 9 0 * *",
        "0 9 32 * *",
        "0 9 * 13 *",
        "0 9 * * 8",
        "0 9 * * funday",
        "a b c d e",
        "0 9 15W * *",
        "*/0 * * * *",
    ],
)
def test_invalid_expressions(expression: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        validate_cron(expression)
    assert caught.value.field == "cron"
    assert "never fires" not in caught.value.message


@pytest.mark.parametrize(
    "expression",
    ["0 9 30 2 *", "0 9 31 2 *", "0 9 31 4,6,9,11 *", "0 9 30-31 feb *"],
)
def test_impossible_dates_never_fire(expression: str) -> None:
    with pytest.raises(RecurrenceError, match="never fires") as caught:
        validate_cron(expression)
    assert caught.value.field == "cron"
    with pytest.raises(RecurrenceError, match="never fires"):
        next_run(expression, "UTC", utc(2026, 1, 1))


def test_day_of_month_or_day_of_week() -> None:
    # Debian cron: with both day fields restricted, either one matching is enough, so
    # "30 February or a Monday" is every Monday in February.
    assert validate_cron("0 9 30 2 mon") == "0 9 30 2 mon"
    assert next_run("0 9 30 2 mon", "UTC", utc(2026, 3, 1)) == utc(2027, 2, 1, 9)


@pytest.mark.parametrize("name", [KOLKATA, NEW_YORK, LONDON, "UTC", "Asia/Calcutta"])
def test_valid_timezones(name: str) -> None:
    assert validate_timezone(name) == name


@pytest.mark.parametrize(
    "name",
    ["", "Mars/Olympus", "asia/kolkata", "IST", "posixrules", "../etc/passwd", "/etc/localtime"],
)
def test_invalid_timezones(name: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        validate_timezone(name)
    assert caught.value.field == "timezone"
    with pytest.raises(RecurrenceError) as caught:
        next_run("0 9 * * *", name, utc(2026, 1, 1))
    assert caught.value.field == "timezone"


# --- catch-up ----------------------------------------------------------------------------


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
