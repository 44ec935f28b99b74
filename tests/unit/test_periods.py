"""Relative report periods: "this_*" to date, "last_*" complete, the Indian financial year."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.periods import PERIODS, PeriodError, financial_year, resolve_period

WEDNESDAY = date(2026, 5, 13)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("today", (date(2026, 5, 13), date(2026, 5, 13))),
        ("yesterday", (date(2026, 5, 12), date(2026, 5, 12))),
        ("this_week", (date(2026, 5, 11), date(2026, 5, 13))),  # Monday to date
        ("last_week", (date(2026, 5, 4), date(2026, 5, 10))),  # Monday..Sunday
        ("this_month", (date(2026, 5, 1), date(2026, 5, 13))),
        ("last_month", (date(2026, 4, 1), date(2026, 4, 30))),
        ("this_quarter", (date(2026, 4, 1), date(2026, 5, 13))),
        ("last_quarter", (date(2026, 1, 1), date(2026, 3, 31))),
        ("this_fy", (date(2026, 4, 1), date(2026, 5, 13))),
        ("last_fy", (date(2025, 4, 1), date(2026, 3, 31))),
    ],
)
def test_every_period_on_an_ordinary_day(period: str, expected: tuple[date, date]) -> None:
    assert resolve_period(period, WEDNESDAY) == expected


def test_every_period_is_covered() -> None:
    for period in PERIODS:
        start, end = resolve_period(period, WEDNESDAY, 7 if period == "last_n_days" else None)
        assert start <= end <= WEDNESDAY


@pytest.mark.parametrize(
    ("today", "this_week", "last_week"),
    [
        (
            date(2026, 5, 11),
            (date(2026, 5, 11), date(2026, 5, 11)),
            (date(2026, 5, 4), date(2026, 5, 10)),
        ),
        (
            date(2026, 5, 17),
            (date(2026, 5, 11), date(2026, 5, 17)),
            (date(2026, 5, 4), date(2026, 5, 10)),
        ),
        # Across a year end: 2026-01-01 is a Thursday.
        (
            date(2026, 1, 1),
            (date(2025, 12, 29), date(2026, 1, 1)),
            (date(2025, 12, 22), date(2025, 12, 28)),
        ),
    ],
)
def test_weeks_start_on_monday(
    today: date, this_week: tuple[date, date], last_week: tuple[date, date]
) -> None:
    assert resolve_period("this_week", today) == this_week
    assert resolve_period("last_week", today) == last_week


@pytest.mark.parametrize(
    ("today", "this_month", "last_month"),
    [
        (
            date(2026, 1, 1),
            (date(2026, 1, 1), date(2026, 1, 1)),
            (date(2025, 12, 1), date(2025, 12, 31)),
        ),
        (
            date(2026, 3, 31),
            (date(2026, 3, 1), date(2026, 3, 31)),
            (date(2026, 2, 1), date(2026, 2, 28)),
        ),
        (
            date(2028, 3, 15),
            (date(2028, 3, 1), date(2028, 3, 15)),
            (date(2028, 2, 1), date(2028, 2, 29)),
        ),
    ],
)
def test_months(today: date, this_month: tuple[date, date], last_month: tuple[date, date]) -> None:
    assert resolve_period("this_month", today) == this_month
    assert resolve_period("last_month", today) == last_month


@pytest.mark.parametrize(
    ("today", "this_quarter", "last_quarter"),
    [
        (
            date(2026, 1, 1),
            (date(2026, 1, 1), date(2026, 1, 1)),
            (date(2025, 10, 1), date(2025, 12, 31)),
        ),
        (
            date(2026, 3, 31),
            (date(2026, 1, 1), date(2026, 3, 31)),
            (date(2025, 10, 1), date(2025, 12, 31)),
        ),
        (
            date(2026, 4, 1),
            (date(2026, 4, 1), date(2026, 4, 1)),
            (date(2026, 1, 1), date(2026, 3, 31)),
        ),
        (
            date(2026, 6, 30),
            (date(2026, 4, 1), date(2026, 6, 30)),
            (date(2026, 1, 1), date(2026, 3, 31)),
        ),
        (
            date(2026, 7, 1),
            (date(2026, 7, 1), date(2026, 7, 1)),
            (date(2026, 4, 1), date(2026, 6, 30)),
        ),
        (
            date(2026, 10, 1),
            (date(2026, 10, 1), date(2026, 10, 1)),
            (date(2026, 7, 1), date(2026, 9, 30)),
        ),
        (
            date(2026, 12, 31),
            (date(2026, 10, 1), date(2026, 12, 31)),
            (date(2026, 7, 1), date(2026, 9, 30)),
        ),
    ],
)
def test_quarters_at_their_edges(
    today: date, this_quarter: tuple[date, date], last_quarter: tuple[date, date]
) -> None:
    assert resolve_period("this_quarter", today) == this_quarter
    assert resolve_period("last_quarter", today) == last_quarter


def test_financial_year_at_its_edges() -> None:
    assert resolve_period("this_fy", date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert resolve_period("last_fy", date(2026, 3, 31)) == (date(2024, 4, 1), date(2025, 3, 31))
    assert resolve_period("this_fy", date(2026, 4, 1)) == (date(2026, 4, 1), date(2026, 4, 1))
    assert resolve_period("last_fy", date(2026, 4, 1)) == (date(2025, 4, 1), date(2026, 3, 31))
    assert resolve_period("this_fy", date(2027, 1, 1)) == (date(2026, 4, 1), date(2027, 1, 1))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 31), (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), (date(2026, 4, 1), date(2027, 3, 31))),
        (date(2026, 12, 31), (date(2026, 4, 1), date(2027, 3, 31))),
        (date(2027, 1, 1), (date(2026, 4, 1), date(2027, 3, 31))),
        (date(2028, 2, 29), (date(2027, 4, 1), date(2028, 3, 31))),
    ],
)
def test_financial_year(day: date, expected: tuple[date, date]) -> None:
    assert financial_year(day) == expected


@pytest.mark.parametrize(
    ("today", "n", "expected"),
    [
        (WEDNESDAY, 1, (date(2026, 5, 12), date(2026, 5, 12))),  # just yesterday
        (WEDNESDAY, 7, (date(2026, 5, 6), date(2026, 5, 12))),
        (date(2026, 3, 1), 30, (date(2026, 1, 30), date(2026, 2, 28))),
        (date(2026, 1, 1), 366, (date(2024, 12, 31), date(2025, 12, 31))),
    ],
)
def test_last_n_days_ends_yesterday(today: date, n: int, expected: tuple[date, date]) -> None:
    start, end = resolve_period("last_n_days", today, n)
    assert (start, end) == expected
    assert (end - start).days + 1 == n


@pytest.mark.parametrize("n", [None, 0, -1, 367, True, 7.0, "7"])
def test_last_n_days_needs_a_valid_n(n: object) -> None:
    with pytest.raises(PeriodError) as caught:
        resolve_period("last_n_days", WEDNESDAY, n)  # type: ignore[arg-type]
    assert caught.value.field == "n"
    assert caught.value.message


def test_n_is_refused_for_other_periods() -> None:
    with pytest.raises(PeriodError) as caught:
        resolve_period("last_month", WEDNESDAY, 7)
    assert caught.value.field == "n"


@pytest.mark.parametrize("period", ["", "last_year", "LAST_MONTH", "this_fy "])
def test_unknown_period(period: str) -> None:
    with pytest.raises(PeriodError) as caught:
        resolve_period(period, WEDNESDAY)
    assert caught.value.field == "period"
    assert isinstance(caught.value, ValueError)
