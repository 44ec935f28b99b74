"""Which ledgers a statement run covers and what each one's figures say.

A group is matched as the books name it (case-insensitively: "sundry debtors" is Sundry
Debtors); listed ledgers are matched like a statement's ledger and every unknown name is
refused; from there on a ledger is its id, so a rename in the books between a run and its
resend changes the names a resent statement carries, never which ledger it is. The figures are
the statement's own (`ledger_figures`), so the balance a run skips as zero is the balance the
statement would print.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.reports.ledger_source import LedgerFigures, LedgerRef, ledger_figures
from shared.domain.statement_runs.errors import StatementRunError
from shared.infra.db.driver_queries import SessionQueries
from shared.infra.db.models import Ledger


@dataclass(frozen=True)
class SelectedLedger:
    name: str
    party_name: str | None
    figures: LedgerFigures

    @property
    def id(self) -> int:
        return self.figures.ledger.id

    @property
    def closing(self) -> Decimal:
        return self.figures.closing


@dataclass(frozen=True)
class BooksLedger:
    """A ledger as the books name it now: its id, name and party."""

    id: int
    name: str
    party_name: str | None

    @property
    def names(self) -> tuple[str, str | None]:
        """(name, party name), as the party directory is asked."""
        return self.name, self.party_name


async def selected_ledgers(
    session: AsyncSession,
    tenant_id: str,
    *,
    group: str | None,
    ledgers: Sequence[str] | None,
    max_ledgers: int,
) -> list[BooksLedger]:
    """Every ledger the run covers, by name; refused when there are none, more than
    `max_ledgers`, or a listed name the books do not hold."""
    query = select(Ledger.id, Ledger.name, Ledger.party_name).where(Ledger.tenant_id == tenant_id)
    if group is not None:
        query = query.where(func.lower(Ledger.group_name) == group.strip().lower())
    else:
        wanted = [name.strip().lower() for name in ledgers or []]
        query = query.where(func.lower(Ledger.name).in_(wanted))
    rows = [BooksLedger(*row) for row in await session.execute(query.order_by(Ledger.name))]
    if group is None:
        known = {row.name.lower() for row in rows}
        for n, name in enumerate(ledgers or []):
            if name.strip().lower() not in known:
                raise StatementRunError(
                    f"ledgers.{n}", f"no ledger named {name!r}", status=404, code="ledger_not_found"
                )
    elif not rows:
        raise StatementRunError(
            "group", f"no ledger is in the group {group!r}", status=404, code="group_not_found"
        )
    if len(rows) > max_ledgers:
        raise StatementRunError(
            "group" if group is not None else "ledgers",
            f"{len(rows)} ledgers are more than one run may cover ({max_ledgers})",
            code="too_many_ledgers",
        )
    return rows


async def ledgers_by_id(
    session: AsyncSession, tenant_id: str, ids: Iterable[int | None]
) -> dict[int, BooksLedger]:
    """The tenant's ledgers of these ids as the books name them now (a deleted one is absent)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    query = select(Ledger.id, Ledger.name, Ledger.party_name).where(
        Ledger.tenant_id == tenant_id, Ledger.id.in_(wanted)
    )
    return {row.id: row for row in (BooksLedger(*found) for found in await session.execute(query))}


async def with_figures(
    session: AsyncSession, ledgers: Sequence[BooksLedger], from_date: date, to_date: date
) -> list[SelectedLedger]:
    """Each ledger with the statement's figures for the period, in the order given."""
    queries = SessionQueries(session)
    selected = []
    for ledger in ledgers:
        ref = LedgerRef(ledger.id, ledger.name)
        figures = await ledger_figures(queries, ref, from_date, to_date)
        selected.append(SelectedLedger(ledger.name, ledger.party_name, figures))
    return selected
