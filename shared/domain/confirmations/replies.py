"""A party's answer: read from its link, checked, recorded with its time, changeable until
the link expires (every answer is kept as a `ConfirmationReply`; the confirmation row holds
the latest)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.links import InvalidLinkError, read_confirmation_token
from shared.infra.db.models import BalanceConfirmation, ConfirmationReply, Tenant
from shared.states import CONFIRMATION, ConfirmationStatus, allowed_sources

# Digits as a party may type them: Latin or Devanagari (U+0966-U+096F), Indian or Western
# grouping, an optional rupee sign; at most two decimals and what numeric(18,2) holds.
_DEVANAGARI_DIGITS = {0x0966 + n: ord("0") + n for n in range(10)}
_AMOUNT = re.compile(r"\d{1,16}(\.\d{1,2})?")


class ConfirmationClosedError(Exception):
    """The link expired before the answer arrived: nothing was recorded."""


@dataclass(frozen=True)
class LinkedConfirmation:
    confirmation: BalanceConfirmation
    expires_at: datetime  # the earlier of the link's and the row's

    def is_open(self, now: datetime) -> bool:
        return now < self.expires_at


async def confirmation_for_token(
    session: AsyncSession, secret: str, token: str
) -> LinkedConfirmation:
    """The confirmation a link names; InvalidLinkError when the token is not one we signed for
    a confirmation, names none, or names one of a company the host application disabled
    (all: 404, nothing revealed; a company enabled again has its links back)."""
    link = read_confirmation_token(secret, token)
    found = await session.get(BalanceConfirmation, link.confirmation_id)
    if found is None:
        raise InvalidLinkError("no such confirmation")
    disabled = await session.scalar(select(Tenant.disabled_at).where(Tenant.id == found.tenant_id))
    if disabled is not None:
        raise InvalidLinkError("the company is disabled")
    return LinkedConfirmation(found, min(link.expires_at, found.expires_at))


def parse_amount(text: str) -> Decimal | None:
    """The amount a party typed (`12,34,567.50`, `₹ 1,234`, in Devanagari digits too), or
    None when it is not one."""
    cleaned = text.translate(_DEVANAGARI_DIGITS).replace("\u20b9", "").replace(",", "")
    cleaned = "".join(cleaned.split())
    if not _AMOUNT.fullmatch(cleaned):
        return None
    return Decimal(cleaned).quantize(Decimal("0.01"))


async def record_reply(
    session: AsyncSession,
    confirmation_id: uuid.UUID,
    answer: ConfirmationStatus,
    *,
    party_balance: Decimal | None,
    note: str | None,
    now: datetime,
) -> ConfirmationReply:
    """Record `answer` (in the caller's transaction): the confirmation moves to it only from
    an allowed state and while it has not expired (ConfirmationClosedError otherwise), and
    the answer is kept as a reply row of its own."""
    if answer == ConfirmationStatus.CONFIRMED:
        party_balance = None
    moved = await session.scalar(
        update(BalanceConfirmation)
        .where(
            BalanceConfirmation.id == confirmation_id,
            BalanceConfirmation.status.in_(allowed_sources(CONFIRMATION, answer)),
            BalanceConfirmation.expires_at > now,
        )
        .values(
            status=answer,
            party_balance=party_balance,
            note=note or None,
            replied_at=now,
            replies=BalanceConfirmation.replies + 1,
        )
        .returning(BalanceConfirmation.tenant_id)
    )
    if moved is None:
        raise ConfirmationClosedError(str(confirmation_id))
    reply = ConfirmationReply(
        id=uuid.uuid4(),
        confirmation_id=confirmation_id,
        tenant_id=moved,
        answer=answer,
        party_balance=party_balance,
        note=note or None,
        created_at=now,
    )
    session.add(reply)
    return reply


async def reply_history(
    session: AsyncSession, confirmation_id: uuid.UUID
) -> list[ConfirmationReply]:
    """Every answer the party gave, oldest first."""
    rows = await session.scalars(
        select(ConfirmationReply)
        .where(ConfirmationReply.confirmation_id == confirmation_id)
        .order_by(ConfirmationReply.created_at, ConfirmationReply.id)
    )
    return list(rows)
