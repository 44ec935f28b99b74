"""Ledgers from the host application, upserted by its id.

A rename keeps the ledger's history: entries, bills, statement run items and balance
confirmations reference the ledger by its id, so they follow it untouched; its party directory
entry and the schedules that name it (a statement's ledger, a statement run's list: all keyed by
the name people type and read back) follow the new name in the same transaction. A ledger that
still has entries or bills is not deleted (its vouchers and bills go first). The party directory
is filled from `emails` only where the tenant has no entry for the ledger yet: what people typed
here wins over what the host sends.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.books.outcome import Numbered, SyncOutcome, first_of_each_id
from shared.domain.books.rows import LedgerRow
from shared.domain.party_directory import name_key
from shared.infra.db.arrays import is_any_of
from shared.infra.db.models import Bill, Ledger, LedgerEntry, PartyEmail


async def apply_ledgers(
    session: AsyncSession, tenant_id: str, rows: list[Numbered[LedgerRow]], outcome: SyncOutcome
) -> None:
    ids = [numbered.row.id for numbered in rows]
    by_id = {
        ledger.external_id: ledger
        for ledger in await session.scalars(
            select(Ledger).where(Ledger.tenant_id == tenant_id, is_any_of(Ledger.external_id, ids))
        )
    }
    wanted = {n.row.name.lower() for n in rows if n.row.name}
    # Who holds each name now (compared as the unique index compares them), so a clash is
    # found before the database refuses it and aborts the whole transaction.
    holders: dict[str, Ledger] = {
        ledger.name.lower(): ledger
        for ledger in await session.scalars(
            select(Ledger).where(
                Ledger.tenant_id == tenant_id, is_any_of(func.lower(Ledger.name), wanted)
            )
        )
    }
    for numbered in first_of_each_id(rows, outcome):
        row = numbered.row
        ledger = by_id.get(row.id)
        if row.deleted:
            await _delete(session, numbered, ledger, outcome, holders)
            continue
        assert row.name is not None and row.group is not None  # checked by LedgerRow
        holder = holders.get(row.name.lower())
        adopted = ledger is None and holder is not None and holder.external_id is None
        if adopted:
            assert holder is not None
            # A ledger of that name that no sync has claimed yet (made before the host synced,
            # or by the demo loader): it is this one, and keeps its entries.
            holder.external_id = row.id
            ledger = by_id[row.id] = holder
        if holder is not None and holder is not ledger:
            outcome.refuse(numbered, row.id, "name", f"another ledger is named {row.name!r}")
            continue
        if ledger is None:
            ledger = Ledger(
                tenant_id=tenant_id,
                external_id=row.id,
                name=row.name,
                group_name=row.group,
                party_name=row.party_name,
                gstin=row.gstin,
                address=row.address,
                opening_balance=row.opening_balance,
                opening_date=row.opening_date or date.today(),
            )
            session.add(ledger)
            await session.flush()
            by_id[row.id] = ledger
            outcome.applied += 1
        elif _same(ledger, row) and not adopted:
            outcome.unchanged += 1
        else:
            if ledger.name != row.name:
                holders.pop(ledger.name.lower(), None)
                await _rename(session, tenant_id, ledger.name, row.name)
            ledger.name = row.name
            ledger.group_name = row.group
            ledger.party_name = row.party_name
            ledger.gstin = row.gstin
            ledger.address = row.address
            ledger.opening_balance = row.opening_balance
            ledger.opening_date = row.opening_date or ledger.opening_date
            outcome.applied += 1
        holders[row.name.lower()] = ledger
        if row.emails is not None and row.emails.to:
            await _fill_directory(session, tenant_id, row)
    await session.flush()


def _same(ledger: Ledger, row: LedgerRow) -> bool:
    return (
        ledger.name == row.name
        and ledger.group_name == row.group
        and ledger.party_name == row.party_name
        and ledger.gstin == row.gstin
        and list(ledger.address) == row.address
        and ledger.opening_balance == row.opening_balance
        and (row.opening_date is None or ledger.opening_date == row.opening_date)
    )


async def _delete(
    session: AsyncSession,
    numbered: Numbered[LedgerRow],
    ledger: Ledger | None,
    outcome: SyncOutcome,
    holders: dict[str, Ledger],
) -> None:
    if ledger is None:
        outcome.unchanged += 1  # already gone (or never here): deleting it again is a no-op
        return
    in_use = await session.scalar(
        select(
            exists().where(LedgerEntry.ledger_id == ledger.id)
            | exists().where(Bill.ledger_id == ledger.id)
        )
    )
    if in_use:
        outcome.refuse(
            numbered,
            numbered.row.id,
            "deleted",
            "the ledger has entries or bills; delete them first",
        )
        return
    holders.pop(ledger.name.lower(), None)
    await session.delete(ledger)
    outcome.deleted += 1


async def _rename(session: AsyncSession, tenant_id: str, old: str, new: str) -> None:
    """What names the ledger by its name follows it to the new one."""
    await session.execute(
        update(PartyEmail)
        .where(PartyEmail.tenant_id == tenant_id, PartyEmail.ledger_key == name_key(old))
        .values(ledger_name=new, ledger_key=name_key(new))
    )
    await session.execute(_RENAME_IN_SCHEDULES, {"tenant": tenant_id, "old": old, "new": new})


# A schedule's params name ledgers as people typed them and read them back (`ledger` of a
# statement, `ledgers` of a statement run), matched as a run matches them (case and outer
# spaces aside): each such name becomes the new one, the list keeping its order.
_RENAME_IN_SCHEDULES = text(
    """
UPDATE report_schedules SET params = CASE
    WHEN jsonb_typeof(params -> 'ledgers') = 'array' THEN params || jsonb_build_object(
        'ledgers',
        (SELECT jsonb_agg(CASE WHEN lower(btrim(e.name)) = lower(:old) THEN :new ELSE e.name END
                          ORDER BY e.n)
         FROM jsonb_array_elements_text(params -> 'ledgers') WITH ORDINALITY AS e(name, n)))
    ELSE params || jsonb_build_object('ledger', :new) END
WHERE tenant_id = :tenant AND (
    lower(btrim(params ->> 'ledger')) = lower(:old)
    OR (jsonb_typeof(params -> 'ledgers') = 'array' AND EXISTS (
        SELECT 1 FROM jsonb_array_elements_text(params -> 'ledgers') AS e(name)
        WHERE lower(btrim(e.name)) = lower(:old))))
"""
)


async def _fill_directory(session: AsyncSession, tenant_id: str, row: LedgerRow) -> None:
    assert row.name is not None and row.emails is not None
    key = name_key(row.name)
    known = await session.scalar(
        select(PartyEmail.id).where(PartyEmail.tenant_id == tenant_id, PartyEmail.ledger_key == key)
    )
    if known is not None:
        return
    session.add(
        PartyEmail(
            tenant_id=tenant_id,
            ledger_name=row.name,
            ledger_key=key,
            party_name=row.party_name,
            party_key=name_key(row.party_name) if row.party_name else None,
            to_addresses=row.emails.to,
            cc_addresses=row.emails.cc,
            bcc_addresses=row.emails.bcc,
        )
    )
