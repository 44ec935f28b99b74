"""When a report schedule fires: 5-field cron expressions evaluated in an IANA timezone.

Pure time logic (no I/O). Expressions are read in the schedule's local time; every instant
taken or returned here is an aware UTC datetime, which is how the scheduler stores them.

The dialect is the `cronsim` package's: Debian cron (names such as MON or JAN, ranges, lists,
steps; when the day-of-month or the day-of-week field starts with "*" both must match,
otherwise either), plus "L" (last day of the month) and "LW" in the day-of-month field and
"5L" / "1#2" (last Friday, second Monday) in the day-of-week field. Five fields only: no
seconds field, no "@daily" aliases.

Daylight saving time follows Debian cron, as cronsim implements it, and the tests pin it down:
- an expression with a fixed minute and hour (for example "30 2 * * *") reads wall-clock time.
  A local time that does not exist that day (spring forward) fires once at the first valid
  instant after it (02:30 in New York on 2026-03-08 fires at 03:00 EDT); a local time that
  occurs twice (fall back) fires once, on its first occurrence.
- an expression whose minute or hour field starts with "*" (every 15 minutes, every hour)
  follows elapsed time: the skipped hour has no runs and the repeated hour runs twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cronsim import CronSim, CronSimError

from shared.domain.refusals import FieldRefusal

MAX_EXPRESSION_LENGTH = 200
# cronsim gives up after 50 years without a match; starting the "can it ever fire" probe in
# 2001 keeps the window inside 2001-2099, where the leap-year pattern has no exceptions.
_PROBE_START = datetime(2001, 1, 1, tzinfo=UTC)
_FIELD_NAMES = ("minute", "hour", "day-of-month", "month", "day-of-week")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
# Numbers rather than names: every cron implementation reads them the same way.
_WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}
_PRESET_KEYS = {
    "daily": {"kind", "time"},
    "weekly": {"kind", "days", "time"},
    "monthly": {"kind", "day", "time"},
}


class RecurrenceError(FieldRefusal):
    """A refused schedule; `field` names what to fix ("cron", "timezone", "preset.time", ...)."""


@dataclass(frozen=True, slots=True)
class Preview:
    """One upcoming run: `local` in the schedule's timezone, `utc` the same instant."""

    local: datetime
    utc: datetime


def validate_timezone(name: str) -> str:
    """Return `name` when it is an IANA timezone (e.g. "Asia/Kolkata"), else raise."""
    if not isinstance(name, str) or not name:
        raise RecurrenceError("timezone", "a timezone name is required, e.g. 'Asia/Kolkata'")
    # ZoneInfo alone would also load files such as "posixrules" or any relative path that
    # happens to exist under the tz directory; the IANA list is the contract.
    if name not in _known_zones():
        raise RecurrenceError("timezone", f"unknown timezone {name!r}; use an IANA name")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RecurrenceError("timezone", f"unknown timezone {name!r}; use an IANA name") from exc
    return name


@lru_cache(maxsize=1024)  # pure, and the ticker asks about the same few expressions all day
def validate_cron(expression: str) -> str:
    """Return the expression with single spaces, or raise RecurrenceError("cron", ...)."""
    if not isinstance(expression, str) or not expression.strip():
        raise RecurrenceError("cron", "a cron expression is required")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise RecurrenceError("cron", f"longer than {MAX_EXPRESSION_LENGTH} characters")
    parts = expression.split()
    if len(parts) != len(_FIELD_NAMES):
        raise RecurrenceError(
            "cron",
            f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(parts)}",
        )
    normalized = " ".join(parts)
    try:
        probe = CronSim(normalized, _PROBE_START)
    except CronSimError as exc:
        raise _translate(parts, exc) from exc
    try:
        next(probe)
    except StopIteration:
        raise RecurrenceError("cron", f"{normalized!r} never fires") from None
    return normalized


def cron_from_preset(preset: dict[str, Any]) -> str:
    """The cron expression of a daily, weekly or monthly preset (see the tests for shapes)."""
    if not isinstance(preset, dict):
        raise RecurrenceError("preset", "a preset must be an object with a 'kind'")
    kind = preset.get("kind")
    if kind not in _PRESET_KEYS:
        raise RecurrenceError("preset.kind", "kind must be one of: daily, weekly, monthly")
    unknown = sorted(str(key) for key in set(preset) - _PRESET_KEYS[kind])
    if unknown:
        raise RecurrenceError("preset", f"unexpected field(s) for a {kind} preset: {unknown}")
    hour, minute = _preset_time(preset.get("time"))
    if kind == "daily":
        return f"{minute} {hour} * * *"
    if kind == "weekly":
        return f"{minute} {hour} * * {_preset_days(preset.get('days'))}"
    return f"{minute} {hour} {_preset_day(preset.get('day'))} * *"


def next_run(expression: str, timezone: str, after: datetime) -> datetime:
    """The first fire time strictly after `after` (aware), as an aware UTC datetime."""
    _require_aware(after, "after")
    expression = validate_cron(expression)
    found = next(_fire_times(expression, _zone(timezone), after), None)
    if found is None:
        raise RecurrenceError("cron", f"{expression!r} never fires after {after.isoformat()}")
    return found


def next_runs(expression: str, timezone: str, after: datetime, count: int) -> list[datetime]:
    """The next `count` fire times strictly after `after` (fewer only if the schedule ends)."""
    _require_aware(after, "after")
    if count < 0:
        raise ValueError("count must not be negative")
    expression = validate_cron(expression)
    return list(islice(_fire_times(expression, _zone(timezone), after), count))


def shortest_gap(expression: str) -> timedelta:
    """The shortest time between two consecutive runs of `expression`.

    Only the times of day count (minute and hour fields): the day fields are replaced by `*`,
    so within a day the answer is exact, and across midnight it assumes the next day fires too
    (errs short, never long). A schedule firing at 23:55 and 00:05 is 10 minutes apart on
    consecutive days, whatever days it keeps.
    """
    minute, hour = validate_cron(expression).split()[:2]
    fires = CronSim(f"{minute} {hour} * * *", _PROBE_START)
    # Two days of fires include every gap of the daily pattern, the overnight one too.
    end = _PROBE_START + timedelta(days=2)
    shortest = timedelta(days=1)
    previous = next(fires)
    for fire in fires:
        if fire > end:
            break
        shortest = min(shortest, fire - previous)
        if shortest <= timedelta(minutes=1):  # cron's resolution: nothing is shorter
            break
        previous = fire
    return shortest


def preview(expression: str, timezone: str, after: datetime, count: int) -> list[Preview]:
    """The next `count` runs, each in the schedule's local time and in UTC."""
    zone = _zone(timezone)
    return [
        Preview(local=moment.astimezone(zone), utc=moment)
        for moment in next_runs(expression, timezone, after, count)
    ]


def latest_run_at_or_before(
    expression: str, timezone: str, moment: datetime, not_before: datetime
) -> datetime | None:
    """The most recent fire time in [not_before, moment] (downtime catch-up), else None.

    cronsim's reverse iterator finds a recent fire time in a few steps whatever the window's
    length; the answer is then confirmed by walking forward from it, so it is always one of
    the times `next_run` produces (walking backwards from a repeated fall-back hour, cronsim
    reads wall-clock time and can skip the run that happened in that hour's first pass).
    """
    _require_aware(moment, "moment")
    _require_aware(not_before, "not_before")
    expression = validate_cron(expression)
    zone = _zone(timezone)
    if not_before > moment:
        return None
    backwards = CronSim(expression, moment.astimezone(zone), reverse=True)
    while True:
        try:
            candidate = next(backwards).astimezone(UTC)
        except StopIteration:
            candidate = not_before
        if candidate > moment:
            continue
        anchor = max(candidate, not_before)
        latest = None
        for fire in _fire_times(expression, zone, anchor - timedelta(microseconds=1)):
            if fire > moment:
                break
            latest = fire
        # Reaching not_before means the whole remaining window was walked forward.
        if latest is not None or anchor == not_before:
            return latest


def _fire_times(expression: str, zone: ZoneInfo, after: datetime) -> Iterator[datetime]:
    """UTC fire times strictly after `after`, ascending, each once."""
    previous = after
    for local in CronSim(expression, after.astimezone(zone)):
        fire = local.astimezone(UTC)
        # cronsim walks wall-clock time for fixed-time expressions: starting inside the second
        # pass of a repeated hour it can return that hour's first pass (already past), and
        # several times inside a spring-forward gap all land on the gap's end ("0,30 2 * * *").
        if fire <= previous:
            continue
        previous = fire
        yield fire


def _translate(parts: list[str], exc: CronSimError) -> RecurrenceError:
    """A user-facing message for cronsim's terse "Bad <field>" errors."""
    name = str(exc).removeprefix("Bad ")
    if name not in _FIELD_NAMES:
        return RecurrenceError("cron", f"invalid cron expression: {exc}")
    index = _FIELD_NAMES.index(name)
    if name == "day-of-month":
        # cronsim raises the same error for a day no month has ("30" in February); the
        # day field parses alone in that case, so the combination is what is impossible.
        with_any_month = [*parts[:3], "*", parts[4]]
        try:
            CronSim(" ".join(with_any_month), _PROBE_START)
        except CronSimError:
            pass
        else:
            return RecurrenceError(
                "cron",
                f"day {parts[2]!r} never occurs in month(s) {parts[3]!r}: "
                f"{' '.join(parts)!r} never fires",
            )
    return RecurrenceError("cron", f"invalid {name} field {parts[index]!r}")


def _preset_time(value: object) -> tuple[int, int]:
    match = _TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise RecurrenceError("preset.time", "time must be 'HH:MM' (24-hour), e.g. '09:30'")
    return int(match.group(1)), int(match.group(2))


def _preset_days(value: object) -> str:
    if not isinstance(value, list) or not value:
        raise RecurrenceError("preset.days", "choose at least one day: mon, tue, ..., sun")
    chosen: set[str] = set()
    for day in value:
        if not isinstance(day, str) or day.lower() not in _WEEKDAYS:
            raise RecurrenceError("preset.days", f"unknown day {day!r}; use mon, tue, ..., sun")
        chosen.add(day.lower())
    return ",".join(str(number) for number in sorted(_WEEKDAYS[day] for day in chosen))


def _preset_day(value: object) -> str:
    if value == "last":
        return "L"
    # bool is an int; True must not mean the 1st.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 31:
        raise RecurrenceError("preset.day", "day must be 1..31 or 'last'")
    return str(value)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(validate_timezone(name))


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    # Reads the tz database directory once per process.
    return frozenset(available_timezones())
