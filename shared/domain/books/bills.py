"""Bills from the host application, upserted by its id; they feed the outstanding report.

Whether a bill is receivable or payable follows its ledger's group: Sundry Debtors bills are
receivable, Sundry Creditors bills payable; a bill on any other ledger is refused. A bill sent
without a due date is due on its date.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.books.outcome import Numbered, SyncOutcome, first_of_each_id
from shared.domain.books.rows import BillRow
from shared.domain.party_directory import name_key
from shared.infra.db.arrays import is_any_of
from shared.infra.db.models import Bill, Ledger

KIND_OF_GROUP = {"sundry debtors": "receivable", "sundry creditors": "payable"}


async def apply_bills(
    session: AsyncSession, tenant_id: str, rows: list[Numbered[BillRow]], outcome: SyncOutcome
) -> None:
    ledgers = {
        external_id: (ledger_id, group)
        for external_id, ledger_id, group in await session.execute(
            select(Ledger.external_id, Ledger.id, Ledger.group_name).where(
                Ledger.tenant_id == tenant_id,
                is_any_of(Ledger.external_id, {n.row.ledger for n in rows if n.row.ledger}),
            )
        )
    }
    held = {
        bill.external_id: bill
        for bill in await session.scalars(
            select(Bill).where(
                Bill.tenant_id == tenant_id, is_any_of(Bill.external_id, [n.row.id for n in rows])
            )
        )
    }
    gone: list[str] = []
    for numbered in first_of_each_id(rows, outcome):
        row = numbered.row
        bill = held.get(row.id)
        if row.deleted:
            if bill is None:
                outcome.unchanged += 1
            else:
                gone.append(row.id)
                outcome.deleted += 1
            continue
        assert row.ledger is not None and row.ref is not None and row.date is not None
        if row.ledger not in ledgers:
            outcome.refuse(numbered, row.id, "ledger", f"no ledger has the id {row.ledger!r}")
            continue
        ledger_id, group = ledgers[row.ledger]
        kind = KIND_OF_GROUP.get(name_key(group))
        if kind is None:
            outcome.refuse(
                numbered,
                row.id,
                "ledger",
                f"bills belong to Sundry Debtors or Sundry Creditors ledgers, not {group!r}",
            )
            continue
        values = {
            "ledger_id": ledger_id,
            "kind": kind,
            "bill_ref": row.ref,
            "bill_date": row.date,
            "due_date": row.due_date or row.date,
            "amount": row.amount,
            "pending_amount": row.pending,
        }
        if bill is None:
            session.add(Bill(tenant_id=tenant_id, external_id=row.id, **values))
            outcome.applied += 1
        elif all(getattr(bill, name) == value for name, value in values.items()):
            outcome.unchanged += 1
        else:
            for name, value in values.items():
                setattr(bill, name, value)
            outcome.applied += 1
    if gone:
        await session.execute(
            delete(Bill).where(Bill.tenant_id == tenant_id, is_any_of(Bill.external_id, gone))
        )
    await session.flush()
