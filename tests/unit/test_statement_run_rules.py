"""A statement run's rules without I/O: why a ledger is skipped, an item's status, and what a
request or a schedule may ask."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shared.domain.reports.ledger_source import LedgerFigures, LedgerRef
from shared.domain.statement_runs import StatementRunError, item_status
from shared.domain.statement_runs.options import StatementRunOptions, run_from_schedule
from shared.domain.statement_runs.planning import NewStatementRun, skip_reason
from shared.domain.statement_runs.selection import SelectedLedger
from shared.infra.db.models import PartyEmail
from shared.states import EmailStatus, SkipReason, StatementItemStatus

JUNE = (date(2025, 6, 1), date(2025, 6, 30))


def ledger(opening: str, debit: str = "0", credit: str = "0", entries: int = 0) -> SelectedLedger:
    figures = LedgerFigures(
        LedgerRef(1, "Arora Stores"), *JUNE, Decimal(opening), entries, Decimal(debit),
        Decimal(credit),
    )  # fmt: skip
    return SelectedLedger("Arora Stores", "Arora", figures)


def run(**flags: bool) -> NewStatementRun:
    new = NewStatementRun("t", "u", "manual", *JUNE, "pdf", group="Sundry Debtors")
    return replace(new, **flags)


ENTRY = PartyEmail(to_addresses=["accounts@arora.in"], cc_addresses=[], bcc_addresses=[])
NO_TO = PartyEmail(to_addresses=[], cc_addresses=["owner@arora.in"], bcc_addresses=[])


@pytest.mark.parametrize(
    ("flags", "figures", "entry", "reason"),
    [
        ({}, ledger("0"), ENTRY, None),  # nothing asked: a nil balance still gets its statement
        ({"skip_zero_balance": True}, ledger("0"), ENTRY, SkipReason.ZERO_BALANCE),
        ({"skip_zero_balance": True}, ledger("100", credit="100", entries=1), ENTRY,
         SkipReason.ZERO_BALANCE),
        ({"skip_zero_balance": True}, ledger("-5"), ENTRY, None),  # a credit balance is one
        ({"skip_without_activity": True}, ledger("500"), ENTRY, SkipReason.NO_ACTIVITY),
        ({"skip_without_activity": True}, ledger("500", debit="1", entries=1), ENTRY, None),
        ({}, ledger("500"), None, SkipReason.NO_EMAIL),
        ({}, ledger("500"), NO_TO, SkipReason.NO_EMAIL),  # CC alone is no recipient
        # The first reason that applies is the one recorded.
        ({"skip_without_activity": True, "skip_zero_balance": True}, ledger("0"), None,
         SkipReason.NO_ACTIVITY),
    ],
)  # fmt: skip
def test_why_a_ledger_is_skipped(
    flags: dict[str, bool], figures: SelectedLedger, entry: PartyEmail | None, reason: Any
) -> None:
    assert skip_reason(run(**flags), figures, entry) == reason


def test_an_items_status_is_its_emails() -> None:
    assert item_status(SkipReason.NO_EMAIL, None) == StatementItemStatus.SKIPPED
    assert item_status(None, EmailStatus.QUEUED) == StatementItemStatus.QUEUED
    assert item_status(None, EmailStatus.REJECTED) == StatementItemStatus.FAILED
    assert item_status(None, EmailStatus.SENT) == StatementItemStatus.SENT
    assert item_status(None, EmailStatus.SENT, bounced=True) == StatementItemStatus.BOUNCED
    # A bounce is news about a sent email only: one failing or queued again stays as it is.
    assert item_status(None, EmailStatus.FAILED, bounced=True) == StatementItemStatus.FAILED


def test_a_request_names_either_a_group_or_ledgers() -> None:
    with pytest.raises(StatementRunError) as both:
        StatementRunOptions(group="Sundry Debtors", ledgers=["A"]).check_selection()
    assert both.value.field == "group"
    with pytest.raises(StatementRunError):
        StatementRunOptions().check_selection()
    StatementRunOptions(ledgers=["A"]).check_selection()


def test_a_schedules_period_is_resolved_on_its_own_day() -> None:
    params = {"group": "Sundry Debtors", "period": "last_month", "skip_without_email": True}
    new = run_from_schedule(
        params, format="xlsx", tenant_id="t", owner="o", local_day=date(2025, 7, 1),
        schedule_run_id=uuid.uuid4(),
    )  # fmt: skip
    assert (new.from_date, new.to_date) == JUNE
    assert (new.format, new.trigger, new.skip_without_email) == ("xlsx", "scheduled", True)
    with pytest.raises(StatementRunError) as bad:
        run_from_schedule({"group": "X", "period": "someday"}, format="pdf", tenant_id="t",
                          owner="o", local_day=date(2025, 7, 1),
                          schedule_run_id=uuid.uuid4())  # fmt: skip
    assert bad.value.field == "period"
