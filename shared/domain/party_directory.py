"""The party email directory lookup, shared by the gateway (the email dialog's auto-fill) and the
email-sending code (the To of a scheduled ledger statement).

Names are matched by their key (`name_key`): lower-cased with runs of whitespace collapsed to
one space, so "Sharma  Traders " and "sharma traders" are the same ledger. The directory holds
at most one entry per ledger; several entries may name the same party, and a party lookup then
picks the first by ledger key (alphabetical), so the answer never depends on insertion order.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.infra.db.models import Ledger, PartyEmail


def name_key(name: str) -> str:
    """The matching form of a ledger or party name: lower-cased, whitespace collapsed."""
    # str.split() with no argument also splits on tabs, newlines and non-breaking spaces.
    return " ".join(name.split()).lower()


async def lookup_party_emails(
    session: AsyncSession,
    tenant_id: str,
    *,
    ledger: str | None = None,
    party: str | None = None,
) -> PartyEmail | None:
    """The tenant's directory entry for `ledger` (exact key match) or for `party` (the entry
    whose `party_name` matches, first by ledger key when several do); None when there is none.

    Exactly one of `ledger` and `party` must be given (ValueError otherwise). A party lookup
    matches `party_name` only; it does not fall back to a ledger of the same name.
    """
    if (ledger is None) == (party is None):
        raise ValueError("give exactly one of ledger or party")
    query = select(PartyEmail).where(PartyEmail.tenant_id == tenant_id)
    if ledger is not None:
        key = name_key(ledger)
        query = query.where(PartyEmail.ledger_key == key)
    else:
        key = name_key(party or "")
        query = query.where(PartyEmail.party_key == key).order_by(PartyEmail.ledger_key).limit(1)
    if not key:
        return None
    return await session.scalar(query)


async def entry_for_ledger(session: AsyncSession, tenant_id: str, ledger: str) -> PartyEmail | None:
    """The entry that auto-fills a ledger statement's To: the ledger's own, else its party's."""
    entry = await lookup_party_emails(session, tenant_id, ledger=ledger)
    if entry is not None:
        return entry
    party = await session.scalar(
        select(Ledger.party_name).where(Ledger.tenant_id == tenant_id, Ledger.name == ledger)
    )
    return await lookup_party_emails(session, tenant_id, party=party) if party else None


async def entries_for_ledgers(
    session: AsyncSession, tenant_id: str, ledgers: Sequence[tuple[str, str | None]]
) -> dict[str, PartyEmail | None]:
    """`entry_for_ledger` for many ledgers at once, given as (name, party name): one read of
    the tenant's directory instead of two per ledger (a statement run asks for hundreds).
    The rule is the same: the ledger's own entry, else the first of its party's by ledger key."""
    rows = await session.scalars(
        select(PartyEmail).where(PartyEmail.tenant_id == tenant_id).order_by(PartyEmail.ledger_key)
    )
    by_ledger: dict[str, PartyEmail] = {}
    by_party: dict[str, PartyEmail] = {}
    for entry in rows:
        by_ledger[entry.ledger_key] = entry
        if entry.party_key:
            by_party.setdefault(entry.party_key, entry)
    found: dict[str, PartyEmail | None] = {}
    for name, party in ledgers:
        own = by_ledger.get(name_key(name))
        found[name] = own if own is not None else by_party.get(name_key(party)) if party else None
    return found
