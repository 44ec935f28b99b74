"""Whether a schedule run is waiting to try a step again, and what the people watching it see.

A run retries in one of two places. Its export is retried by the scheduler: the run itself is
`retrying`, with the reason and the due time on the run. Its email is retried by the
mail-service: the run stays `sending` while the email goes back to `queued` with the last
error and `next_attempt_at` on the email row. The runs history names both the same way, so a
run waiting after "refused the connection" says so instead of a bare "sending".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from shared.infra.db.models import Email, ScheduleRun
from shared.states import EmailStatus, RunStatus


@dataclass(frozen=True, slots=True)
class RunRetry:
    step: Literal["export", "email"]
    attempts: int
    max_attempts: int
    last_error: str
    next_attempt_at: datetime | None


def run_retry(run: ScheduleRun, email: Email | None, run_max_attempts: int) -> RunRetry | None:
    """The retry `run` waits for, or None. `email` is the run's email row when it has one;
    `run_max_attempts` the scheduler's limit for the run's own attempts."""
    if run.status == RunStatus.RETRYING:
        return RunRetry(
            step="export",
            attempts=run.attempts,
            max_attempts=run_max_attempts,
            last_error=run.error or "the export failed",
            next_attempt_at=run.next_attempt_at,
        )
    if run.status != RunStatus.SENDING or email is None:
        return None
    # Queued again after an attempt that failed: the mail-service's backoff (never-tried and
    # handed-back emails carry no error).
    if email.status != EmailStatus.QUEUED or email.attempts < 1 or not email.error:
        return None
    return RunRetry(
        step="email",
        attempts=email.attempts,
        max_attempts=email.max_attempts,
        last_error=email.error,
        next_attempt_at=email.next_attempt_at,
    )
