"""Every kind of status as people see it: still moving (`active`), over (`final`), and of those,
over well (`good`) or badly (`bad`).

The gateway hands these groups to the web app (`GET /app/states.js`), so screens never spell a
status out themselves; the statuses and their state machines are in `shared.states`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from shared.states import (
    FINAL_AUDIT_STATES,
    FINAL_EMAIL_STATES,
    FINAL_EXPORT_STATES,
    FINAL_RUN_STATES,
    AuditStatus,
    ConfirmationStatus,
    EmailStatus,
    EmailTestStatus,
    ExportStatus,
    ImportStatus,
    RecipientStatus,
    RunStatus,
    StatementItemStatus,
    StatementRunStatus,
)


@dataclass(frozen=True)
class StatusGroups:
    """A kind of status as people see it: still moving (neither final), over (`final`), and,
    of those, over well (`good`) or badly (`bad`); the rest of `final` is neutral."""

    statuses: type[StrEnum]
    final: frozenset[StrEnum]
    good: frozenset[StrEnum]
    bad: frozenset[StrEnum]

    @property
    def active(self) -> frozenset[StrEnum]:
        return frozenset(self.statuses) - self.final


STATUS_GROUPS: Mapping[str, StatusGroups] = {
    "export": StatusGroups(
        ExportStatus,
        final=FINAL_EXPORT_STATES,
        good=frozenset({ExportStatus.SUCCEEDED}),
        bad=frozenset({ExportStatus.FAILED, ExportStatus.EXPIRED}),
    ),
    "email": StatusGroups(
        EmailStatus,
        final=FINAL_EMAIL_STATES,
        good=frozenset({EmailStatus.SENT}),
        bad=frozenset({EmailStatus.FAILED, EmailStatus.REJECTED}),
    ),
    "run": StatusGroups(
        RunStatus,
        final=FINAL_RUN_STATES,
        good=frozenset({RunStatus.SUCCEEDED}),
        bad=frozenset({RunStatus.FAILED, RunStatus.MISSED}),  # skipped is by request: neutral
    ),
    "audit": StatusGroups(
        AuditStatus,
        final=FINAL_AUDIT_STATES,
        good=frozenset({AuditStatus.SENT}),
        bad=frozenset({AuditStatus.FAILED, AuditStatus.REJECTED}),  # retrying: it goes again
    ),
    "statement_item": StatusGroups(
        StatementItemStatus,
        final=frozenset(
            {
                StatementItemStatus.SENT,
                StatementItemStatus.FAILED,
                StatementItemStatus.BOUNCED,
                StatementItemStatus.SKIPPED,
            }
        ),
        good=frozenset({StatementItemStatus.SENT}),
        bad=frozenset({StatementItemStatus.FAILED, StatementItemStatus.BOUNCED}),
    ),
    "statement_run": StatusGroups(
        StatementRunStatus,
        final=frozenset({StatementRunStatus.FINISHED}),
        good=frozenset(),
        bad=frozenset(),  # how it went is in its counts
    ),
    "import": StatusGroups(
        ImportStatus,
        final=frozenset({ImportStatus.SUCCEEDED, ImportStatus.FAILED}),
        good=frozenset({ImportStatus.SUCCEEDED}),
        bad=frozenset({ImportStatus.FAILED}),
    ),
    "confirmation": StatusGroups(
        ConfirmationStatus,
        # Replied is over as far as the sender waits (the party may still change it).
        final=frozenset({ConfirmationStatus.CONFIRMED, ConfirmationStatus.DISPUTED}),
        good=frozenset({ConfirmationStatus.CONFIRMED}),
        bad=frozenset({ConfirmationStatus.DISPUTED}),
    ),
    "recipient": StatusGroups(
        RecipientStatus,
        final=frozenset(RecipientStatus),
        good=frozenset({RecipientStatus.ACCEPTED}),
        bad=frozenset({RecipientStatus.REFUSED, RecipientStatus.BOUNCED}),
    ),
    "email_test": StatusGroups(
        EmailTestStatus,
        final=frozenset({EmailTestStatus.SENT, EmailTestStatus.FAILED}),
        good=frozenset({EmailTestStatus.SENT}),
        bad=frozenset({EmailTestStatus.FAILED}),
    ),
}
