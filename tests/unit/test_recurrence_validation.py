"""Validation of cron expressions and IANA timezone names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain import recurrence
from shared.domain.recurrence import RecurrenceError, next_run, validate_cron, validate_timezone

from .recurrence_helpers import KOLKATA, LONDON, NEW_YORK, utc


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


@pytest.mark.parametrize(
    ("expression", "gap"),
    [
        ("* * * * *", timedelta(minutes=1)),
        ("*/15 * * * *", timedelta(minutes=15)),
        ("0 9 * * *", timedelta(days=1)),
        ("0 9,17 * * 1-5", timedelta(hours=8)),
        ("0,50 0,23 1 * *", timedelta(minutes=10)),  # 23:50, then 00:00 if the next day fires
        ("*/5 9 29 2 *", timedelta(minutes=5)),  # however rarely the day comes
    ],
)
def test_shortest_gap_between_runs(expression: str, gap: timedelta) -> None:
    assert recurrence.shortest_gap(expression) == gap
