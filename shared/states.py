"""Every status of export jobs, emails, schedule runs and audit rows, and their state machines,
written down once.

A status is a `StrEnum`: it compares equal to, and is stored and sent as, its plain string, so
the database columns, the events and the API keep the words they always had. Every status
update goes through `require_transition` (in code) or `allowed_sources` (in a conditional
UPDATE's WHERE clause), so an impossible transition is refused, not stored. How people see
each kind of status (active, final, good, bad) is grouped in `shared.status_groups`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar


class InvalidTransitionError(ValueError):
    pass


class ExportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"  # the file was removed after its time to live


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    REJECTED = "rejected"  # refused by policy before any SMTP conversation


class RunStatus(StrEnum):
    PENDING = "pending"
    EXPORTING = "exporting"
    SENDING = "sending"
    RETRYING = "retrying"
    SUCCEEDED = "succeeded"
    SKIPPED = "skipped"
    FAILED = "failed"
    MISSED = "missed"  # a slot lost to downtime beyond the catch-up window: never sent


class StatementItemStatus(StrEnum):
    """One ledger's statement in a statement run, as people follow it: its email's status
    (`ITEM_STATUS_OF_EMAIL`), or `skipped` with a `SkipReason` when no email was made."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    SKIPPED = "skipped"


class StatementRunStatus(StrEnum):
    """A statement run as a whole: `running` while any statement is queued or sending."""

    RUNNING = "running"
    FINISHED = "finished"


class SkipReason(StrEnum):
    """Why a statement run made no email for a ledger."""

    NO_EMAIL = "no_email"  # no party directory entry with a To (skip_without_email)
    ZERO_BALANCE = "zero_balance"  # closing balance nil (skip_zero_balance)
    NO_ACTIVITY = "no_activity"  # no entry in the period (skip_without_activity)


class ImportStatus(StrEnum):
    """A books import (a Tally upload): waits, runs under a lease, ends."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class AuditStatus(StrEnum):
    """One attempt's row in `email_audit`: `retrying` when the email went back to the queue."""

    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    RETRYING = "retrying"
    REJECTED = "rejected"


class ConfirmationStatus(StrEnum):
    """A balance confirmation as the party last answered it: nothing yet, agreed, or not."""

    NO_REPLY = "no_reply"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"


class EmailTestStatus(StrEnum):
    """The verdict on a test email: the email's final state, or `pending` when the
    mail-service did not answer in time."""

    SENT = "sent"
    FAILED = "failed"
    PENDING = "pending"


class RecipientStatus(StrEnum):
    """What became of one address of a sent email: the server took it (`accepted`) or refused
    it during the conversation (`refused`), or a delivery status notification came back for
    it later (`bounced`, read from the tenant's mailbox)."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    BOUNCED = "bounced"


S = TypeVar("S", bound=StrEnum)


EXPORT_JOB: Mapping[ExportStatus, frozenset[ExportStatus]] = {
    ExportStatus.QUEUED: frozenset({ExportStatus.RUNNING, ExportStatus.FAILED}),
    # running -> queued: the lease was released after a transient failure; the bus retries.
    ExportStatus.RUNNING: frozenset(
        {ExportStatus.SUCCEEDED, ExportStatus.FAILED, ExportStatus.QUEUED}
    ),
    ExportStatus.SUCCEEDED: frozenset({ExportStatus.EXPIRED}),
    ExportStatus.FAILED: frozenset(),
    ExportStatus.EXPIRED: frozenset(),
}

BOOK_IMPORT: Mapping[ImportStatus, frozenset[ImportStatus]] = {
    ImportStatus.QUEUED: frozenset({ImportStatus.RUNNING, ImportStatus.FAILED}),
    # running -> queued: released after a transient failure; the bus retries.
    ImportStatus.RUNNING: frozenset(
        {ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.QUEUED}
    ),
    ImportStatus.SUCCEEDED: frozenset(),
    ImportStatus.FAILED: frozenset(),
}

EMAIL: Mapping[EmailStatus, frozenset[EmailStatus]] = {
    EmailStatus.QUEUED: frozenset({EmailStatus.SENDING, EmailStatus.FAILED, EmailStatus.REJECTED}),
    EmailStatus.SENDING: frozenset({EmailStatus.SENT, EmailStatus.FAILED, EmailStatus.QUEUED}),
    EmailStatus.SENT: frozenset(),
    EmailStatus.FAILED: frozenset(),
    EmailStatus.REJECTED: frozenset(),
}

# A party may change its answer until the link expires (every answer is kept as a reply row);
# nothing goes back to "no reply".
CONFIRMATION: Mapping[ConfirmationStatus, frozenset[ConfirmationStatus]] = {
    ConfirmationStatus.NO_REPLY: frozenset(
        {ConfirmationStatus.CONFIRMED, ConfirmationStatus.DISPUTED}
    ),
    ConfirmationStatus.CONFIRMED: frozenset(
        {ConfirmationStatus.CONFIRMED, ConfirmationStatus.DISPUTED}
    ),
    ConfirmationStatus.DISPUTED: frozenset(
        {ConfirmationStatus.CONFIRMED, ConfirmationStatus.DISPUTED}
    ),
}

SCHEDULE_RUN: Mapping[RunStatus, frozenset[RunStatus]] = {
    # pending -> sending: a statement-run schedule's run, whose statements are queued at once.
    RunStatus.PENDING: frozenset(
        {RunStatus.EXPORTING, RunStatus.SENDING, RunStatus.SKIPPED, RunStatus.FAILED}
    ),
    RunStatus.EXPORTING: frozenset(
        {RunStatus.SENDING, RunStatus.SKIPPED, RunStatus.RETRYING, RunStatus.FAILED}
    ),
    RunStatus.SENDING: frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED}),
    RunStatus.RETRYING: frozenset({RunStatus.EXPORTING, RunStatus.FAILED}),
    RunStatus.SUCCEEDED: frozenset(),
    RunStatus.SKIPPED: frozenset(),
    RunStatus.FAILED: frozenset(),
    RunStatus.MISSED: frozenset(),  # created final by the ticker, never entered by a transition
}

# A statement run's item follows its email; a refused email is a failed statement.
ITEM_STATUS_OF_EMAIL: Mapping[EmailStatus, StatementItemStatus] = {
    EmailStatus.QUEUED: StatementItemStatus.QUEUED,
    EmailStatus.SENDING: StatementItemStatus.SENDING,
    EmailStatus.SENT: StatementItemStatus.SENT,
    EmailStatus.FAILED: StatementItemStatus.FAILED,
    EmailStatus.REJECTED: StatementItemStatus.FAILED,
}

# Final: the work is over. A succeeded job's one later move (to expired) is its file's
# housekeeping, not work: the job is never rendered again.
FINAL_EXPORT_STATES = frozenset({ExportStatus.SUCCEEDED, ExportStatus.FAILED, ExportStatus.EXPIRED})
FINAL_EMAIL_STATES = frozenset({EmailStatus.SENT, EmailStatus.FAILED, EmailStatus.REJECTED})
FINAL_RUN_STATES = frozenset(
    {RunStatus.SUCCEEDED, RunStatus.SKIPPED, RunStatus.FAILED, RunStatus.MISSED}
)
# An audit row is written `sending` and finished once; rejected and failed ones may be written
# finished straight away.
FINAL_AUDIT_STATES = frozenset(AuditStatus) - {AuditStatus.SENDING}

# An export job's file is kept on disk while the job may still produce or serve it.
FILE_KEEPING_EXPORT_STATES = frozenset(
    {ExportStatus.QUEUED, ExportStatus.RUNNING, ExportStatus.SUCCEEDED}
)


def allowed_sources(machine: Mapping[S, frozenset[S]], target: S) -> list[S]:
    """Every state from which `target` may be reached."""
    if target not in machine:
        raise InvalidTransitionError(f"unknown state {target!r}")
    return sorted(state for state, nexts in machine.items() if target in nexts)


def require_transition(machine: Mapping[S, frozenset[S]], current: S, target: S) -> None:
    if target not in machine.get(current, frozenset()):
        raise InvalidTransitionError(f"cannot go from {current!r} to {target!r}")
