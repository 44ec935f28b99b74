"""Asking a party to confirm its balance: the one use case every sender calls.

A manual ledger email with `confirm_balance` and a statement run's items both call
`request_confirmation`: it reads the ledger's balance at the end of `as_of` from the books,
creates the confirmation (or reuses the open one asking the same party the same thing, so a
resent item or a replayed request never leaves two links for one question), and returns the
signed link and the paragraph the email carries (`{confirmation_request}`). A confirmation
names its ledger by id (a rename in the books keeps it the same question) and keeps the name
its statement carried, for the audit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.confirmations.words import words_for
from shared.domain.links import make_confirmation_url
from shared.domain.local_time import local_stamp
from shared.domain.reports.amounts import dr_cr
from shared.domain.reports.definitions import ledger_not_found
from shared.domain.reports.labels import labels_for
from shared.domain.reports.ledger_source import LedgerRef, canonical_ledger, dmy, ledger_figures
from shared.infra.db.driver_queries import SessionQueries
from shared.infra.db.models import BalanceConfirmation, Ledger, Tenant
from shared.infra.settings import Settings
from shared.languages import Language
from shared.states import ConfirmationStatus

DEFAULT_TIMEZONE = "Asia/Kolkata"


@dataclass(frozen=True)
class ConfirmationRequest:
    confirmation: BalanceConfirmation
    url: str  # the signed public link
    # The email's `{confirmation_request}`: a blank line, then the request with its link and
    # expiry, in the confirmation's language.
    paragraph: str


async def request_confirmation(
    session: AsyncSession,
    settings: Settings,
    *,
    tenant_id: str,
    ledger: LedgerRef,
    as_of: date,
    language: Language,
    requested_by: str,
    to: list[str],
    cc: list[str] | None = None,
    statement_run_id: uuid.UUID | None = None,
    balance: Decimal | None = None,
    now: datetime | None = None,
) -> ConfirmationRequest:
    """Create (or reuse) the confirmation of `ledger`'s balance as of `as_of` (the ledger the
    caller resolved, with the name its statement carries) in the caller's transaction; the
    caller commits and, once the email exists, records it with `record_email`. `balance`: the
    closing balance at `as_of` when the caller read it already (a statement run), else read
    here."""
    now = now or datetime.now(UTC)
    if balance is None:
        balance = (await ledger_figures(SessionQueries(session), ledger, as_of, as_of)).closing
    confirmation = await _open_confirmation(
        session, tenant_id, ledger.id, as_of, balance, statement_run_id, now
    )
    if confirmation is not None and to:
        # Asked again (a resent statement): reminders go where the latest email went, and the
        # name the audit shows is the one that email carried (the ledger may be renamed).
        confirmation.to_addresses, confirmation.cc_addresses = list(to), list(cc or [])
        confirmation.ledger_name = ledger.name
    if confirmation is None:
        await _withdraw_stale(session, tenant_id, ledger.id, as_of, statement_run_id, now)
        party = await session.scalar(select(Ledger.party_name).where(Ledger.id == ledger.id))
        confirmation = BalanceConfirmation(
            id=uuid.uuid4(),
            tenant_id=tenant_id,
            ledger_id=ledger.id,
            ledger_name=ledger.name,
            party_name=party or ledger.name,
            as_of=as_of,
            balance=balance,
            language=language,
            statement_run_id=statement_run_id,
            to_addresses=list(to),
            cc_addresses=list(cc or []),
            status=ConfirmationStatus.NO_REPLY,
            replies=0,
            reminders_sent=0,
            expires_at=now + timedelta(days=settings.confirmation_link_ttl_days),
            requested_by=requested_by,
            created_at=now,
        )
        session.add(confirmation)
    timezone = await tenant_timezone(session, tenant_id)
    url = confirmation_url(settings, confirmation)
    words = words_for(confirmation.language)
    paragraph = "\n\n" + words.email_request.format(
        link=url, expiry=local_stamp(confirmation.expires_at, timezone)
    )
    return ConfirmationRequest(confirmation, url, paragraph)


async def ledger_named(session: AsyncSession, tenant_id: str, name: str) -> LedgerRef:
    """The tenant's ledger of that name, for a sender that has only the name (a manual
    email's parameters); ledger_not_found when it was renamed or deleted since they were
    resolved."""
    found = await canonical_ledger(SessionQueries(session), tenant_id, name)
    if found is None:
        raise ledger_not_found("ledger", name)
    return found


def record_email(confirmation: BalanceConfirmation, email_id: uuid.UUID) -> None:
    """The email that carried the link (in the caller's transaction)."""
    confirmation.email_id = email_id


def confirmation_url(settings: Settings, confirmation: BalanceConfirmation) -> str:
    """The confirmation's signed public link (the same every time it is made)."""
    return make_confirmation_url(
        settings.public_base_url,
        settings.file_link_secret,
        confirmation.id,
        confirmation.expires_at,
    )


def balance_text(balance: Decimal, language: Language | str) -> str:
    """`₹12,34,567.00 Dr` in the words of `language` (नावे, नाम ...), as the statement says."""
    labels = labels_for(language)
    return "\u20b9" + dr_cr(balance, labels.debit, labels.credit)


def as_of_text(day: date) -> str:
    return dmy(day)


async def tenant_timezone(session: AsyncSession, tenant_id: str) -> str:
    zone = await session.scalar(select(Tenant.timezone).where(Tenant.id == tenant_id))
    return zone or DEFAULT_TIMEZONE


async def _open_confirmation(
    session: AsyncSession,
    tenant_id: str,
    ledger_id: int,
    as_of: date,
    balance: Decimal,
    statement_run_id: uuid.UUID | None,
    now: datetime,
) -> BalanceConfirmation | None:
    """The live confirmation asking the same party the same question, if any."""
    found: BalanceConfirmation | None = await session.scalar(
        select(BalanceConfirmation)
        .where(
            BalanceConfirmation.tenant_id == tenant_id,
            BalanceConfirmation.ledger_id == ledger_id,
            BalanceConfirmation.as_of == as_of,
            BalanceConfirmation.balance == balance,
            BalanceConfirmation.statement_run_id.is_not_distinct_from(statement_run_id),
            BalanceConfirmation.expires_at > now,
        )
        .order_by(BalanceConfirmation.created_at.desc())
        .limit(1)
    )
    return found


async def _withdraw_stale(
    session: AsyncSession,
    tenant_id: str,
    ledger_id: int,
    as_of: date,
    statement_run_id: uuid.UUID | None,
    now: datetime,
) -> None:
    """Close the live confirmations asking the same party about the same date with another
    balance (the books changed and a new statement asks again): their links expire now and
    they are reminded no more, so the party is never pressed to confirm a balance the
    latest statement contradicts. Answers already given stay."""
    await session.execute(
        update(BalanceConfirmation)
        .where(
            BalanceConfirmation.tenant_id == tenant_id,
            BalanceConfirmation.ledger_id == ledger_id,
            BalanceConfirmation.as_of == as_of,
            BalanceConfirmation.statement_run_id.is_not_distinct_from(statement_run_id),
            BalanceConfirmation.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
