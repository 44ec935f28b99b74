"""Relative report periods ("last_month", "this_fy", ...) resolved to dates at each run.

Pure date arithmetic: the caller passes `today` as the local date in the schedule's timezone
(a run at 00:30 IST on the 1st is already in the new month, even though it is the 31st in
UTC). Both returned dates are inclusive.

Decisions:
- "this_*" periods (this_week, this_month, this_quarter, this_fy) run from the period's first
  day to TODAY, i.e. period to date; they never reach into the future, where the books have
  no entries yet. On the period's first day they are that single day.
- "last_*" periods and "yesterday" are complete: last_week is the previous Monday..Sunday.
- "last_n_days" is the n complete days ending YESTERDAY (today is excluded: a scheduled
  statement covers whole days, and today is still being booked). n is 1..366 and is refused
  for every other period.
- Weeks start on Monday. Quarters are calendar quarters (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec),
  which are also the Indian financial year's Q4, Q1, Q2, Q3.
- The financial year is the Indian one: April 1 to March 31.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator

from shared.domain.refusals import FieldRefusal

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_only(value: Any) -> Any:
    """A date arrives as `YYYY-MM-DD` (or as a date, from Python): pydantic alone would also
    read `0` or `1700000000` as a Unix time, which the document (`format: date`) does not say."""
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("must be a date as YYYY-MM-DD")


IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]

PERIODS = (
    "today",
    "yesterday",
    "this_week",
    "last_week",
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "this_fy",
    "last_fy",
    "last_n_days",
)
MAX_N_DAYS = 366
FY_START_MONTH = 4  # April

_ONE_DAY = timedelta(days=1)


class PeriodError(FieldRefusal):
    """A refused period; `field` is "period" or "n"."""


def resolve_period(period: str, today: date, n: int | None = None) -> tuple[date, date]:
    """(from_date, to_date), both inclusive, of `period` as seen on the local date `today`."""
    if period not in PERIODS:
        raise PeriodError(
            "period", f"unknown period {period!r}; expected one of: {', '.join(PERIODS)}"
        )
    if period == "last_n_days":
        # bool is an int; True must not mean one day.
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_N_DAYS:
            raise PeriodError("n", f"last_n_days needs n between 1 and {MAX_N_DAYS}")
        return today - timedelta(days=n), today - _ONE_DAY
    if n is not None:
        raise PeriodError("n", f"n applies only to last_n_days, not to {period}")

    if period == "today":
        return today, today
    if period == "yesterday":
        yesterday = today - _ONE_DAY
        return yesterday, yesterday
    if period == "this_week":
        return _week_start(today), today
    if period == "last_week":
        start = _week_start(today) - timedelta(days=7)
        return start, start + timedelta(days=6)
    if period == "this_month":
        return today.replace(day=1), today
    if period == "last_month":
        end = today.replace(day=1) - _ONE_DAY
        return end.replace(day=1), end
    if period == "this_quarter":
        return _quarter(today)[0], today
    if period == "last_quarter":
        return _quarter(_quarter(today)[0] - _ONE_DAY)
    if period == "this_fy":
        return financial_year(today)[0], today
    # last_fy: the year that ended the day before this one started.
    return financial_year(financial_year(today)[0] - _ONE_DAY)


def financial_year(day: date) -> tuple[date, date]:
    """The Indian financial year (April 1 .. March 31) that contains `day`."""
    first_year = day.year if day.month >= FY_START_MONTH else day.year - 1
    return date(first_year, FY_START_MONTH, 1), date(first_year + 1, FY_START_MONTH, 1) - _ONE_DAY


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())  # weekday(): Monday is 0


def _quarter(day: date) -> tuple[date, date]:
    """The calendar quarter containing `day`."""
    first_month = (day.month - 1) // 3 * 3 + 1
    start = date(day.year, first_month, 1)
    if first_month == 10:
        return start, date(day.year, 12, 31)
    return start, date(day.year, first_month + 3, 1) - _ONE_DAY
