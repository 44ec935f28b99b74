"""Which ledgers a statement run covers and what each one's figures say.

A group is matched as the books name it (case-insensitively: "sundry debtors" is Sundry
Debtors); listed ledgers are matched like a statement's ledger and every unknown name is
refused. The figures are the statement's own (`ledger_figures`), so the balance a run skips
as zero is the balance the statement would print.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.reports.ledger_source import LedgerFigures, canonical_ledger, ledger_figures
from shared.domain.statement_runs.errors import StatementRunError
from shared.infra.db.driver_queries import SessionQueries
from shared.infra.db.models import Ledger


@dataclass(frozen=True)
class SelectedLedger:
    name: str
    party_name: str | None
    figures: LedgerFigures

    @property
    def closing(self) -> Decimal:
        return self.figures.closing


async def selected_ledgers(
    session: AsyncSession,
    tenant_id: str,
    *,
    group: str | None,
    ledgers: Sequence[str] | None,
    max_ledgers: int,
) -> list[tuple[str, str | None]]:
    """(name, party name) of every ledger the run covers, by name; refused when there are
    none, more than `max_ledgers`, or a listed name the books do not hold."""
    query = select(Ledger.name, Ledger.party_name).where(Ledger.tenant_id == tenant_id)
    if group is not None:
        query = query.where(func.lower(Ledger.group_name) == group.strip().lower())
    else:
        wanted = [name.strip().lower() for name in ledgers or []]
        query = query.where(func.lower(Ledger.name).in_(wanted))
    rows = [(name, party) for name, party in await session.execute(query.order_by(Ledger.name))]
    if group is None:
        known = {name.lower() for name, _ in rows}
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


async def with_figures(
    session: AsyncSession,
    tenant_id: str,
    ledgers: Sequence[tuple[str, str | None]],
    from_date: date,
    to_date: date,
) -> list[SelectedLedger]:
    queries = SessionQueries(session)
    selected = []
    for name, party in ledgers:
        ledger = await canonical_ledger(queries, tenant_id, name)
        if ledger is None:  # renamed or deleted since the run was made
            raise StatementRunError(
                "ledgers", f"no ledger named {name!r}", status=404, code="ledger_not_found"
            )
        figures = await ledger_figures(queries, ledger, from_date, to_date)
        selected.append(SelectedLedger(name, party, figures))
    return selected
