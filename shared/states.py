"""The state machines of export jobs, emails and schedule runs, written down once.

Every status update goes through `require_transition` (in code) or `allowed_sources` (in a
conditional UPDATE's WHERE clause), so an impossible transition is refused, not stored.
"""

from __future__ import annotations

from collections.abc import Mapping


class InvalidTransitionError(ValueError):
    pass


EXPORT_JOB: Mapping[str, frozenset[str]] = {
    "queued": frozenset({"running", "failed"}),
    # running -> queued: the lease was released after a transient failure; the bus retries.
    "running": frozenset({"succeeded", "failed", "queued"}),
    "succeeded": frozenset({"expired"}),
    "failed": frozenset(),
    "expired": frozenset(),
}

EMAIL: Mapping[str, frozenset[str]] = {
    "queued": frozenset({"sending", "failed", "rejected"}),
    "sending": frozenset({"sent", "failed", "queued"}),
    "sent": frozenset(),
    "failed": frozenset(),
    "rejected": frozenset(),
}

SCHEDULE_RUN: Mapping[str, frozenset[str]] = {
    "pending": frozenset({"exporting", "skipped", "failed"}),
    "exporting": frozenset({"sending", "skipped", "retrying", "failed"}),
    "sending": frozenset({"succeeded", "failed"}),
    "retrying": frozenset({"exporting", "failed"}),
    "succeeded": frozenset(),
    "skipped": frozenset(),
    "failed": frozenset(),
    "missed": frozenset(),  # a slot lost to downtime beyond the catch-up window: never sent
}

FINAL_EXPORT_STATES = frozenset({"succeeded", "failed", "expired"})
FINAL_EMAIL_STATES = frozenset({"sent", "failed", "rejected"})


def allowed_sources(machine: Mapping[str, frozenset[str]], target: str) -> list[str]:
    """Every state from which `target` may be reached."""
    if target not in machine:
        raise InvalidTransitionError(f"unknown state {target!r}")
    return sorted(state for state, nexts in machine.items() if target in nexts)


def require_transition(machine: Mapping[str, frozenset[str]], current: str, target: str) -> None:
    if target not in machine.get(current, frozenset()):
        raise InvalidTransitionError(f"cannot go from {current!r} to {target!r}")
