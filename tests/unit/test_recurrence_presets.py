"""Schedule presets (daily, weekly, monthly) turned into cron, and bad presets named."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from shared.domain.recurrence import RecurrenceError, cron_from_preset, next_runs

from .recurrence_helpers import KOLKATA, utc


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
