"""Catch-up rules: which runs a due schedule gets at a tick, and when it fires next.

A due schedule's `next_run_at` is its slot. At the tick's instant `now`:
- the latest fire time in [slot, now] (the slot itself when its recurrence no longer yields
  one there) runs if it is at most the catch-up window old, else it is recorded `missed`;
- when that latest fire time is after the slot, the slot itself is recorded `missed` too (the
  slots in between are not listed one by one, and none of them is ever sent in a burst);
- the schedule's next slot is its first fire time after `now`;
- a recurrence that no longer computes pauses the schedule, saying why.

Pure time logic, no I/O. A month-end burst is thousands of schedules that share a few
(cron, timezone) pairs and one slot, so `CatchUp` evaluates a recurrence once per
(cron, timezone, slot) and once per (cron, timezone) for the whole tick, and each schedule
only looks its answer up: the per-schedule cost is a dictionary lookup, not a cron walk.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.recurrence import latest_run_at_or_before, next_run
from shared.states import RunStatus


@dataclass(frozen=True, slots=True)
class DueSchedule:
    """What the ticker reads of a due schedule; `slot` is its `next_run_at`."""

    id: uuid.UUID
    tenant_id: str
    cron: str
    timezone: str
    slot: datetime


@dataclass(frozen=True, slots=True)
class SlotRun:
    """A run to record: `pending` (to be sent) or `missed` (recorded, never sent)."""

    scheduled_for: datetime
    status: RunStatus
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Advance:
    """The runs a due schedule gets and its next slot."""

    runs: tuple[SlotRun, ...]
    next_run_at: datetime


@dataclass(frozen=True, slots=True)
class Pause:
    """The schedule's recurrence cannot be computed any more: pause it, saying why."""

    reason: str


def slot_runs(
    slot: datetime, latest: datetime, now: datetime, window: timedelta
) -> tuple[SlotRun, ...]:
    """The runs for a schedule whose slot is `slot` and whose latest fire time by `now` is
    `latest` (>= slot), under a catch-up window of `window`."""
    runs: list[SlotRun] = []
    if latest > slot:
        runs.append(
            SlotRun(
                slot,
                RunStatus.MISSED,
                f"missed while the scheduler was not running (slots from {slot.isoformat()} "
                f"to before {latest.isoformat()})",
            )
        )
    if now - latest <= window:
        runs.append(SlotRun(latest, RunStatus.PENDING))
    else:
        runs.append(
            SlotRun(
                latest,
                RunStatus.MISSED,
                f"more than {window} late when the scheduler came back; not sent",
            )
        )
    return tuple(runs)


class CatchUp:
    """The catch-up rules at one instant, memoised per recurrence for a whole tick."""

    def __init__(self, now: datetime, window: timedelta) -> None:
        self.now = now
        self.window = window
        self._following: dict[tuple[str, str], datetime | Pause] = {}
        self._outcomes: dict[tuple[str, str, datetime], Advance | Pause] = {}

    def outcome(self, schedule: DueSchedule) -> Advance | Pause:
        key = (schedule.cron, schedule.timezone, schedule.slot)
        found = self._outcomes.get(key)
        if found is None:
            found = self._outcomes[key] = self._compute(*key)
        return found

    def _compute(self, cron: str, timezone: str, slot: datetime) -> Advance | Pause:
        following = self._next_after_now(cron, timezone)
        if isinstance(following, Pause):
            return following
        try:
            latest = latest_run_at_or_before(cron, timezone, self.now, slot) or slot
        except ValueError as exc:
            return _pause(exc)
        return Advance(slot_runs(slot, latest, self.now, self.window), following)

    def _next_after_now(self, cron: str, timezone: str) -> datetime | Pause:
        key = (cron, timezone)
        if key not in self._following:
            try:
                self._following[key] = next_run(cron, timezone, self.now)
            except ValueError as exc:
                self._following[key] = _pause(exc)
        return self._following[key]


def _pause(exc: ValueError) -> Pause:
    return Pause(f"paused: its recurrence cannot be computed ({exc})")
