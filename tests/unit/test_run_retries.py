"""Which retry a schedule run waits for (shared.domain.run_retries): its export's, on the run,
or its email's, on the email row; none while it simply moves or has ended."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shared.domain.run_retries import RunRetry, run_retry
from shared.infra.db.models import Email, ScheduleRun
from shared.states import EmailStatus, RunStatus

DUE = datetime(2026, 12, 5, 8, 35, tzinfo=UTC)


def run(status: RunStatus, **values: object) -> ScheduleRun:
    return ScheduleRun(status=status, attempts=values.pop("attempts", 1), **values)


def email(status: EmailStatus, attempts: int, error: str | None) -> Email:
    return Email(status=status, attempts=attempts, max_attempts=5, error=error, next_attempt_at=DUE)


def test_a_sending_run_whose_email_failed_once_waits_for_the_email() -> None:
    waiting = email(EmailStatus.QUEUED, 1, "smtp.example.in:587 refused the connection")
    assert run_retry(run(RunStatus.SENDING), waiting, 3) == RunRetry(
        step="email",
        attempts=1,
        max_attempts=5,
        last_error="smtp.example.in:587 refused the connection",
        next_attempt_at=DUE,
    )


def test_a_retrying_run_waits_for_its_export() -> None:
    retrying = run(
        RunStatus.RETRYING, attempts=2, error="the export failed: x", next_attempt_at=DUE
    )
    assert run_retry(retrying, None, 3) == RunRetry("export", 2, 3, "the export failed: x", DUE)


@pytest.mark.parametrize(
    ("status", "mail"),
    [
        (RunStatus.SENDING, None),  # no email yet
        (RunStatus.SENDING, (EmailStatus.QUEUED, 0, None)),  # never tried
        (RunStatus.SENDING, (EmailStatus.SENDING, 2, "451 try later")),  # being tried again
        (RunStatus.SUCCEEDED, (EmailStatus.SENT, 2, None)),
        (RunStatus.FAILED, (EmailStatus.FAILED, 5, "550 no such user")),
        (RunStatus.EXPORTING, None),
    ],
)
def test_no_retry_while_a_run_moves_or_once_it_ended(
    status: RunStatus, mail: tuple[EmailStatus, int, str | None] | None
) -> None:
    assert run_retry(run(status), None if mail is None else email(*mail), 3) is None
