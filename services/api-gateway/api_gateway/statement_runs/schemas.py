"""Bodies of the statement runs API (`StatementRunCreate` in, `StatementRunPublic` out)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field

from api_gateway.exports.schemas import EmailStatusField, listed
from shared.domain.periods import IsoDate
from shared.domain.statement_runs import ItemOutcome, RunCounts
from shared.domain.statement_runs.options import StatementRunOptions
from shared.infra.db.models import StatementRun
from shared.states import SkipReason, StatementItemStatus, StatementRunStatus

ItemStatusField = Annotated[StatementItemStatus, listed(StatementItemStatus)]
SkipReasonField = Annotated[SkipReason, listed(SkipReason)]
RunStatusField = Annotated[StatementRunStatus, listed(StatementRunStatus)]
ITEMS_CURSOR_PATTERN = r"^[0-9]{1,9}$"


class StatementRunCreate(StatementRunOptions):
    """The ledgers (`group` or `ledgers`), the period (`from_date` and `to_date`, or
    `period`), the format and the flags."""

    from_date: IsoDate | None = None
    to_date: IsoDate | None = None


class SkippedCounts(BaseModel):
    no_email: int
    zero_balance: int
    no_activity: int


class RunCountsPublic(BaseModel):
    total: int = Field(description="Ledgers the run covers.")
    queued: int = Field(description="Waiting for their document or their turn to send.")
    sending: int
    sent: int
    failed: int
    bounced: int
    skipped: int
    skipped_by_reason: SkippedCounts

    @classmethod
    def of(cls, counts: RunCounts) -> RunCountsPublic:
        by = counts.by_status
        return cls(
            total=counts.total,
            queued=by[StatementItemStatus.QUEUED],
            sending=by[StatementItemStatus.SENDING],
            sent=by[StatementItemStatus.SENT],
            failed=by[StatementItemStatus.FAILED],
            bounced=by[StatementItemStatus.BOUNCED],
            skipped=by[StatementItemStatus.SKIPPED],
            skipped_by_reason=SkippedCounts(
                **{reason.value: count for reason, count in counts.skipped.items()}
            ),
        )


class StatementRunPublic(BaseModel):
    id: uuid.UUID
    status: RunStatusField = Field(description="`finished` once no statement is queued or sending.")
    trigger: str
    requested_by: str
    group: str | None
    ledgers: list[str] | None
    from_date: date
    to_date: date
    period: str | None
    format: str
    confirm_balance: bool
    skip_zero_balance: bool
    skip_without_email: bool
    skip_without_activity: bool
    counts: RunCountsPublic
    created_at: datetime

    @classmethod
    def of(cls, run: StatementRun, counts: RunCounts) -> StatementRunPublic:
        return cls(
            id=run.id,
            status=StatementRunStatus.FINISHED if counts.finished else StatementRunStatus.RUNNING,
            trigger=run.trigger,
            requested_by=run.requested_by,
            group=run.ledger_group,
            ledgers=run.ledgers,
            from_date=run.from_date,
            to_date=run.to_date,
            period=run.period,
            format=run.format,
            confirm_balance=run.confirm_balance,
            skip_zero_balance=run.skip_zero_balance,
            skip_without_email=run.skip_without_email,
            skip_without_activity=run.skip_without_activity,
            counts=RunCountsPublic.of(counts),
            created_at=run.created_at,
        )


class StatementRunPage(BaseModel):
    items: list[StatementRunPublic]
    next_cursor: str | None


class ResendPublic(BaseModel):
    resent: int = Field(description="Failed statements queued again.")
    run: StatementRunPublic


class StatementItemPublic(BaseModel):
    position: int
    ledger: str
    party: str | None
    closing_balance: Decimal = Field(description="At the period's end; positive is Dr.")
    entries: int = Field(description="Entries in the period.")
    status: ItemStatusField
    skip_reason: SkipReasonField | None
    email_id: uuid.UUID | None
    email_status: EmailStatusField | None
    to: list[str]
    cc: list[str]
    error: str | None = Field(description="Why the latest email failed.")
    sent_at: datetime | None
    resends: int

    @classmethod
    def of(cls, outcome: ItemOutcome) -> StatementItemPublic:
        item, email = outcome.item, outcome.email
        return cls(
            position=item.position,
            ledger=item.ledger_name,
            party=item.party_name,
            closing_balance=item.closing_balance,
            entries=item.entries,
            status=outcome.status,
            skip_reason=item.skip_reason,
            email_id=item.email_id,
            email_status=email.status if email else None,
            to=list(email.to_addresses) if email else [],
            cc=list(email.cc_addresses) if email else [],
            error=email.error if email else None,
            sent_at=email.sent_at if email else None,
            resends=item.resends,
        )


class StatementItemPage(BaseModel):
    items: list[StatementItemPublic]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last."
    )
