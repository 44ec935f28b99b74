"""Bodies of the balance confirmations API (`ConfirmationPublic` out, `ReminderRequest` in)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from api_gateway.exports.schemas import listed
from shared.domain.confirmations.listing import NamesNow, difference
from shared.infra.db.models import BalanceConfirmation, ConfirmationReply
from shared.states import ConfirmationStatus

ConfirmationStatusField = Annotated[ConfirmationStatus, listed(ConfirmationStatus)]


class ConfirmationReplyPublic(BaseModel):
    answer: ConfirmationStatusField
    party_balance: Decimal | None = Field(description="Signed, Dr positive, as `balance`.")
    note: str | None
    at: datetime

    @classmethod
    def of(cls, reply: ConfirmationReply) -> ConfirmationReplyPublic:
        return cls(
            answer=reply.answer,
            party_balance=reply.party_balance,
            note=reply.note,
            at=reply.created_at,
        )


class ConfirmationPublic(BaseModel):
    id: uuid.UUID
    ledger: str = Field(description="The ledger as the books name it now.")
    ledger_as_sent: str = Field(
        description="The ledger's name on the statement that asked (differs after a rename)."
    )
    party: str = Field(description="The ledger's party as the books name it now.")
    as_of: date
    balance: Decimal = Field(description="Our balance at the end of `as_of`: Dr positive.")
    status: ConfirmationStatusField
    party_balance: Decimal | None = Field(
        description="The party's own balance when it disagrees (signed like `balance`)."
    )
    difference: Decimal | None = Field(
        description="`balance` less `party_balance`, for a dispute; null otherwise."
    )
    note: str | None
    replied_at: datetime | None
    replies: int = Field(description="Answers given (a party may change its answer).")
    reminders_sent: int
    last_reminded_at: datetime | None
    expires_at: datetime
    language: str
    to: list[str]
    statement_run_id: uuid.UUID | None
    email_id: uuid.UUID | None
    requested_by: str
    created_at: datetime

    @classmethod
    def of(cls, c: BalanceConfirmation, now: NamesNow) -> ConfirmationPublic:
        return cls(
            id=c.id,
            ledger=now.ledger,
            ledger_as_sent=c.ledger_name,
            party=now.party,
            as_of=c.as_of,
            balance=c.balance,
            status=c.status,
            party_balance=c.party_balance,
            difference=difference(c),
            note=c.note,
            replied_at=c.replied_at,
            replies=c.replies,
            reminders_sent=c.reminders_sent,
            last_reminded_at=c.last_reminded_at,
            expires_at=c.expires_at,
            language=c.language,
            to=list(c.to_addresses),
            statement_run_id=c.statement_run_id,
            email_id=c.email_id,
            requested_by=c.requested_by,
            created_at=c.created_at,
        )


class ConfirmationCounts(BaseModel):
    no_reply: int
    confirmed: int
    disputed: int


class ConfirmationPage(BaseModel):
    items: list[ConfirmationPublic]
    next_cursor: str | None
    counts: ConfirmationCounts = Field(
        description="Per status, under every filter but `status` (the screen's tabs)."
    )


class ConfirmationDetail(ConfirmationPublic):
    history: list[ConfirmationReplyPublic] = Field(description="Every answer, oldest first.")


class ReminderRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    statement_run_id: uuid.UUID | None = Field(
        default=None, description="Only this run's confirmations; omit for all of the tenant's."
    )


class RemindersSent(BaseModel):
    reminded: int = Field(description="Parties reminded now (0 when none was due).")
    confirmation_ids: list[uuid.UUID]
