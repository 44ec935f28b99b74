"""The ticker's catch-up rules: which runs a due schedule gets, its next slot, once per group."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from scheduler_service import catch_up
from scheduler_service.catch_up import Advance, CatchUp, DueSchedule, Pause, SlotRun, slot_runs

from shared.states import RunStatus

from .recurrence_helpers import KOLKATA, NEW_YORK, utc

HOUR = timedelta(hours=1)
NINE_IST = utc(2026, 6, 1, 3, 30)  # 09:00 in Kolkata on the 1st


def due(cron: str, timezone: str, slot: datetime) -> DueSchedule:
    return DueSchedule(uuid.uuid4(), "t1", cron, timezone, slot)


def test_a_slot_on_time_runs() -> None:
    assert slot_runs(NINE_IST, NINE_IST, NINE_IST + timedelta(seconds=3), HOUR) == (
        SlotRun(NINE_IST, RunStatus.PENDING),
    )


def test_a_late_slot_runs_while_within_the_window_and_not_after() -> None:
    assert slot_runs(NINE_IST, NINE_IST, NINE_IST + HOUR, HOUR)[0].status == RunStatus.PENDING
    [late] = slot_runs(NINE_IST, NINE_IST, NINE_IST + HOUR + timedelta(seconds=1), HOUR)
    assert late.status == RunStatus.MISSED and late.scheduled_for == NINE_IST
    assert late.error is not None and "late when the scheduler came back" in late.error


def test_after_missed_slots_the_first_is_recorded_and_only_the_latest_runs() -> None:
    latest = NINE_IST + 5 * HOUR
    missed, runs = slot_runs(NINE_IST, latest, latest + timedelta(minutes=2), HOUR)
    assert (missed.scheduled_for, missed.status) == (NINE_IST, RunStatus.MISSED)
    assert missed.error is not None and "missed while the scheduler was not running" in missed.error
    assert runs == SlotRun(latest, RunStatus.PENDING)


def test_after_long_downtime_both_slots_are_missed() -> None:
    latest = NINE_IST + timedelta(days=2)
    runs = slot_runs(NINE_IST, latest, latest + 2 * HOUR, HOUR)
    assert [(r.scheduled_for, r.status) for r in runs] == [
        (NINE_IST, RunStatus.MISSED),
        (latest, RunStatus.MISSED),
    ]


def test_ist_month_end_schedule_runs_and_moves_to_next_month() -> None:
    rules = CatchUp(NINE_IST + timedelta(seconds=5), HOUR)
    outcome = rules.outcome(due("0 9 1 * *", KOLKATA, NINE_IST))
    assert outcome == Advance((SlotRun(NINE_IST, RunStatus.PENDING),), utc(2026, 7, 1, 3, 30))


def test_ist_downtime_catch_up_finds_the_latest_slot() -> None:
    hourly = due("0 * * * *", KOLKATA, NINE_IST - 5 * HOUR)
    outcome = CatchUp(NINE_IST + timedelta(minutes=10), HOUR).outcome(hourly)
    assert isinstance(outcome, Advance)
    assert [(r.scheduled_for, r.status) for r in outcome.runs] == [
        (NINE_IST - 5 * HOUR, RunStatus.MISSED),
        (NINE_IST, RunStatus.PENDING),
    ]
    assert outcome.next_run_at == NINE_IST + HOUR


@pytest.mark.parametrize(
    ("slot", "following"),
    [
        # 09:00 EST the day before spring forward, then 09:00 EDT: 23 hours later.
        (utc(2026, 3, 7, 14), utc(2026, 3, 8, 13)),
        # 09:00 EDT the day before fall back, then 09:00 EST: 25 hours later.
        (utc(2026, 10, 31, 13), utc(2026, 11, 1, 14)),
    ],
)
def test_a_daylight_saving_zone_keeps_its_wall_clock_time(
    slot: datetime, following: datetime
) -> None:
    outcome = CatchUp(slot + timedelta(seconds=1), HOUR).outcome(due("0 9 * * *", NEW_YORK, slot))
    assert outcome == Advance((SlotRun(slot, RunStatus.PENDING),), following)


def test_a_time_skipped_by_spring_forward_fires_once_at_the_gap_end() -> None:
    # 02:30 does not exist in New York on 2026-03-08: the run is at 03:00 EDT (07:00 UTC).
    gap_end = utc(2026, 3, 8, 7)
    outcome = CatchUp(gap_end, HOUR).outcome(due("30 2 * * *", NEW_YORK, gap_end))
    assert outcome == Advance((SlotRun(gap_end, RunStatus.PENDING),), utc(2026, 3, 9, 6, 30))


def test_a_recurrence_that_no_longer_computes_pauses_the_schedule() -> None:
    outcome = CatchUp(NINE_IST, HOUR).outcome(due("0 9 1 * *", "Mars/Olympus", NINE_IST))
    assert isinstance(outcome, Pause)
    assert outcome.reason.startswith("paused: its recurrence cannot be computed")


def test_a_burst_computes_each_recurrence_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def counted(name: str, real: object) -> object:
        def wrapper(*args: object) -> object:
            calls.append(name)
            return real(*args)  # type: ignore[operator]

        return wrapper

    monkeypatch.setattr(catch_up, "next_run", counted("next", catch_up.next_run))
    monkeypatch.setattr(
        catch_up, "latest_run_at_or_before", counted("latest", catch_up.latest_run_at_or_before)
    )
    rules = CatchUp(NINE_IST + timedelta(seconds=2), HOUR)
    groups = [("0 9 1 * *", KOLKATA), ("0 9 * * *", KOLKATA), ("0 9 * * *", NEW_YORK)]
    outcomes = [
        rules.outcome(due(cron, zone, NINE_IST)) for _ in range(1000) for cron, zone in groups
    ]
    assert len(outcomes) == 3000
    # One answer per (cron, timezone, slot), one next slot per (cron, timezone).
    assert sorted(calls) == ["latest"] * 3 + ["next"] * 3
    # A second slot of a known (cron, timezone) only needs its own latest fire time.
    rules.outcome(due("0 9 * * *", KOLKATA, NINE_IST - timedelta(days=1)))
    assert sorted(calls) == ["latest"] * 4 + ["next"] * 3
