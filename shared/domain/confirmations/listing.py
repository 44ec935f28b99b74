"""Confirmations read back for the web app and the auditor: filtered by statement run, date
and status, newest first, with the counts per status and, for a dispute, the difference.

What is shown now (the web app, the party's page, a reminder) names the ledger and its party
as the books name them now, found by the ledger's id; the names its statement carried stay on
the row for the audit (and are all there is once the ledger is deleted)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.infra.db.models import BalanceConfirmation, Ledger
from shared.states import ConfirmationStatus


@dataclass(frozen=True)
class ConfirmationFilter:
    tenant_id: str
    statement_run_id: uuid.UUID | None = None
    as_of: date | None = None
    status: ConfirmationStatus | None = None

    def applied(self, query: Select[Any], *, with_status: bool = True) -> Select[Any]:
        c = BalanceConfirmation
        query = query.where(c.tenant_id == self.tenant_id)
        if self.statement_run_id is not None:
            query = query.where(c.statement_run_id == self.statement_run_id)
        if self.as_of is not None:
            query = query.where(c.as_of == self.as_of)
        if with_status and self.status is not None:
            query = query.where(c.status == self.status)
        return query


def difference(confirmation: BalanceConfirmation) -> Decimal | None:
    """Our balance less the party's, for a dispute (signed, Dr positive); None otherwise."""
    if confirmation.status != ConfirmationStatus.DISPUTED or confirmation.party_balance is None:
        return None
    return confirmation.balance - confirmation.party_balance


async def status_counts(session: AsyncSession, where: ConfirmationFilter) -> dict[str, int]:
    """How many confirmations are in each status (every status named, zeros included), under
    every filter but the status itself, so a screen's tabs show all three."""
    c = BalanceConfirmation
    counted = cast(Select[Any], select(c.status, func.count()))
    query = where.applied(counted, with_status=False).group_by(c.status)
    counts = {status.value: 0 for status in ConfirmationStatus}
    for status, count in (await session.execute(query)).all():
        counts[str(status)] = int(count)
    return counts


def ordered(where: ConfirmationFilter) -> Select[Any]:
    """The filtered confirmations (the caller orders and pages them)."""
    return where.applied(select(BalanceConfirmation))


@dataclass(frozen=True)
class NamesNow:
    """A confirmation's ledger and party as the books name them now."""

    ledger: str
    party: str


async def names_now(
    session: AsyncSession, confirmations: Iterable[BalanceConfirmation]
) -> dict[uuid.UUID, NamesNow]:
    """Each confirmation's names now, by confirmation id (one read for a page of them)."""
    rows = list(confirmations)
    ids = sorted({c.ledger_id for c in rows if c.ledger_id is not None})
    books: dict[int, NamesNow] = {}
    if ids:
        query = select(Ledger.id, Ledger.name, Ledger.party_name).where(Ledger.id.in_(ids))
        books = {
            row.id: NamesNow(row.name, row.party_name or row.name)
            for row in await session.execute(query)
        }
    sent = {c.id: NamesNow(c.ledger_name, c.party_name) for c in rows}
    return {
        c.id: books.get(c.ledger_id, sent[c.id]) if c.ledger_id is not None else sent[c.id]
        for c in rows
    }


async def names_now_of(session: AsyncSession, confirmation: BalanceConfirmation) -> NamesNow:
    """One confirmation's ledger and party as the books name them now."""
    return (await names_now(session, [confirmation]))[confirmation.id]
