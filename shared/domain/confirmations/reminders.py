"""Reminders to parties that have not answered: after `CONFIRMATION_REMINDER_AFTER_DAYS`
since the request (or the last reminder), at most `CONFIRMATION_MAX_REMINDERS` times, while
the link still works.

Idempotent by construction: a confirmation is chosen only when its last email is old enough,
locked (`FOR UPDATE SKIP LOCKED`, so two schedulers split the work and never both take one),
and its reminder count and time move in the same transaction as the email (and its outbox
event) are created. Running the sweep again at once finds nothing to do. The scheduler-service
runs it periodically; the web app can run it for the tenant now (the same rule applies).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain import emails, tenants
from shared.domain.bounces.recipients import latest_bounces
from shared.domain.confirmations.listing import names_now_of
from shared.domain.confirmations.requests import (
    as_of_text,
    balance_text,
    confirmation_url,
    tenant_timezone,
)
from shared.domain.confirmations.words import words_for
from shared.domain.local_time import local_stamp
from shared.infra.db import UnitOfWork
from shared.infra.db.models import BalanceConfirmation, Tenant
from shared.infra.settings import Settings
from shared.states import ConfirmationStatus

# Confirmations reminded per transaction (a month-end run may leave thousands unanswered).
REMINDER_BATCH = 200


async def send_due_reminders(
    new_uow: Callable[[], UnitOfWork],
    settings: Settings,
    now: datetime,
    *,
    tenant_id: str | None = None,
    statement_run_id: uuid.UUID | None = None,
) -> list[uuid.UUID]:
    """Remind every party whose confirmation is due one (of `tenant_id`, of one run, or of
    every tenant), a batch per transaction (each in a unit of work from `new_uow`); the
    confirmations reminded."""
    reminded: list[uuid.UUID] = []
    if settings.confirmation_max_reminders == 0:
        return reminded
    while True:
        looked_at, batch = await _remind_batch(
            new_uow(), settings, now, tenant_id, statement_run_id
        )
        reminded += batch
        if looked_at < REMINDER_BATCH:
            return reminded


async def _remind_batch(
    uow: UnitOfWork,
    settings: Settings,
    now: datetime,
    tenant_id: str | None,
    statement_run_id: uuid.UUID | None,
) -> tuple[int, list[uuid.UUID]]:
    """How many due confirmations one transaction looked at, and which it reminded."""
    c = BalanceConfirmation
    due_before = now - timedelta(days=settings.confirmation_reminder_after_days)
    query = (
        select(c)
        .where(
            c.status == ConfirmationStatus.NO_REPLY,
            c.expires_at > now,
            c.reminders_sent < settings.confirmation_max_reminders,
            func.coalesce(c.last_reminded_at, c.created_at) <= due_before,
            func.cardinality(c.to_addresses) > 0,
            # A company the host application disabled sends nothing, as its schedules stop.
            c.tenant_id.in_(select(Tenant.id).where(Tenant.disabled_at.is_(None))),
        )
        .order_by(c.created_at, c.id)
        .limit(REMINDER_BATCH)
        .with_for_update(skip_locked=True)
    )
    if tenant_id is not None:
        query = query.where(c.tenant_id == tenant_id)
    if statement_run_id is not None:
        query = query.where(c.statement_run_id == statement_run_id)
    async with uow:
        due = list(await uow.session.scalars(query))
        reminded = []
        for confirmation in due:
            # Looked at again only after N more days, reminded or not (a party whose every
            # address bounced must not hold the head of the queue).
            confirmation.last_reminded_at = now
            if await _remind(uow, settings, confirmation):
                confirmation.reminders_sent += 1
                reminded.append(confirmation.id)
        await uow.commit()
    return len(due), reminded


async def _remind(uow: UnitOfWork, settings: Settings, confirmation: BalanceConfirmation) -> bool:
    """The reminder email, in the party's language, with the same link (caller commits), to
    the addresses that have not bounced since the request; False when every To bounced."""
    session = uow.session
    to, cc = await _deliverable(session, confirmation)
    if not to:
        return False
    words = words_for(confirmation.language)
    company = await tenants.company_name(session, confirmation.tenant_id)
    zone = await tenant_timezone(session, confirmation.tenant_id)
    as_of = as_of_text(confirmation.as_of)
    request = words.email_request.format(
        link=confirmation_url(settings, confirmation),
        expiry=local_stamp(confirmation.expires_at, zone),
    )
    body = words.reminder_body.format(
        company=company,
        ledger=(await names_now_of(session, confirmation)).ledger,  # a new email: today's name
        as_of=as_of,
        balance=balance_text(confirmation.balance, confirmation.language),
        request=request,
    )
    emails.create_email(
        uow,
        emails.NewEmail(
            tenant_id=confirmation.tenant_id,
            requested_by=confirmation.requested_by,
            trigger="scheduled",
            subject=words.reminder_subject.format(as_of=as_of),
            body=body,
            to=to,
            cc=cc,
            max_attempts=settings.mail_max_attempts,
        ),
        message_domain=await tenants.message_domain(session, confirmation.tenant_id),
    )
    return True


async def _deliverable(
    session: AsyncSession, confirmation: BalanceConfirmation
) -> tuple[list[str], list[str]]:
    """To and CC without the addresses that bounced since the confirmation was asked (the
    statement's email or an earlier reminder came back): a reminder there would too."""
    addresses = [*confirmation.to_addresses, *confirmation.cc_addresses]
    bounced = await latest_bounces(session, confirmation.tenant_id, addresses)

    def live(address: str) -> bool:
        bounce = bounced.get(address.lower())
        return bounce is None or bounce.created_at < confirmation.created_at

    return (
        [a for a in confirmation.to_addresses if live(a)],
        [a for a in confirmation.cc_addresses if live(a)],
    )
