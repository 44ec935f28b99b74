"""What a statement run is asked for, as the API and a schedule of that kind say it: the
ledgers (a group, or a list), the period, and the flags. A schedule keeps these as its
`params` and resolves its relative period at each run (`run_from_schedule`)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.periods import PERIODS, PeriodError, resolve_period
from shared.domain.reports.email_bodies import EmailFormat
from shared.domain.reports.ledger import NOT_BLANK
from shared.domain.statement_runs.errors import StatementRunError
from shared.domain.statement_runs.planning import NewStatementRun

LedgerName = Annotated[str, Field(min_length=1, max_length=200, pattern=NOT_BLANK)]
MAX_LISTED_LEDGERS = 5000  # a body's shape; the setting STATEMENT_RUN_MAX_LEDGERS decides


class StatementRunOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    group: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        pattern=NOT_BLANK,
        description='A ledger group as the books name it, e.g. "Sundry Debtors".',
    )
    ledgers: list[LedgerName] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_LISTED_LEDGERS,
        description="Or the ledgers by name (exactly one of group and ledgers).",
    )
    period: str | None = Field(
        default=None,
        max_length=32,
        description="A relative period, resolved in the tenant's timezone: " + ", ".join(PERIODS),
    )
    n: int | None = Field(default=None, strict=True, description="last_n_days only.")
    format: EmailFormat = "pdf"
    confirm_balance: bool = Field(
        default=False, strict=True, description="Ask each party to confirm its balance."
    )
    skip_zero_balance: bool = Field(default=False, strict=True)
    skip_without_email: bool = Field(
        default=False,
        strict=True,
        description="Skip parties without a directory email; otherwise they refuse the run.",
    )
    skip_without_activity: bool = Field(
        default=False, strict=True, description="Skip ledgers without entries in the period."
    )

    def check_selection(self) -> None:
        if (self.group is None) == (self.ledgers is None):
            raise StatementRunError("group", "give either group or ledgers, not both")

    def dates(self, today: date) -> tuple[date, date]:
        if self.period is None:
            raise StatementRunError("period", "give a period (or from_date and to_date)")
        try:
            return resolve_period(self.period, today, self.n)
        except PeriodError as exc:
            raise StatementRunError(exc.field, exc.message) from None

    def new_run(
        self, *, tenant_id: str, requested_by: str, trigger: str, start: date, end: date
    ) -> NewStatementRun:
        return NewStatementRun(
            tenant_id=tenant_id,
            requested_by=requested_by,
            trigger=trigger,
            from_date=start,
            to_date=end,
            format=self.format,
            group=self.group,
            ledgers=[name.strip() for name in self.ledgers] if self.ledgers else None,
            period=self.period,
            confirm_balance=self.confirm_balance,
            skip_zero_balance=self.skip_zero_balance,
            skip_without_email=self.skip_without_email,
            skip_without_activity=self.skip_without_activity,
        )


# A schedule of this kind starts a statement run (its `params` are the run's options).
STATEMENT_RUN_KIND = "statement_run"


def run_from_schedule(
    params: dict[str, Any],
    *,
    format: str,
    tenant_id: str,
    owner: str,
    local_day: date,
    schedule_run_id: uuid.UUID,
) -> NewStatementRun:
    """The run a statement-run schedule starts on `local_day` (its period resolved there)."""
    options = StatementRunOptions.model_validate({**params, "format": format})
    start, end = options.dates(local_day)
    new = options.new_run(
        tenant_id=tenant_id, requested_by=owner, trigger="scheduled", start=start, end=end
    )
    return replace(new, schedule_run_id=schedule_run_id)
