"""Resending a run's failed (and bounced) statements in one action.

Each failed item gets a new export job and email, made as the first were, from the books and the
party directory as they are now (a corrected address is used; a ledger renamed since is found by
its id and sent under its new name, while the first email keeps the name it carried). The
tenant's statement run lock is held while this happens, so two clicks resend once: the second
finds those items queued again.
"""

from __future__ import annotations

from sqlalchemy import or_, select

from shared.domain import tenants
from shared.domain.party_directory import entries_for_ledgers
from shared.domain.statement_runs import quota
from shared.domain.statement_runs.planning import StatementSender, statement_recipients
from shared.domain.statement_runs.progress import showing
from shared.domain.statement_runs.selection import ledgers_by_id, with_figures
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email, StatementRun, StatementRunItem
from shared.infra.settings import Settings
from shared.languages import Language
from shared.states import StatementItemStatus


async def resend_failed(uow: UnitOfWork, settings: Settings, run: StatementRun) -> int:
    """Queue the failed items again and commit; how many were queued."""
    await quota.lock(uow, run.tenant_id)
    failed = list(
        await uow.session.scalars(
            select(StatementRunItem)
            .join(Email, Email.id == StatementRunItem.email_id)
            .where(
                StatementRunItem.run_id == run.id,
                or_(showing(StatementItemStatus.FAILED), showing(StatementItemStatus.BOUNCED)),
            )
            .order_by(StatementRunItem.position)
        )
    )
    if not failed:
        await uow.commit()
        return 0
    # Each item's ledger as the books name it now: renamed since, its statement goes out
    # under the new name (and to the directory entry that followed it); deleted since, and a
    # party whose entry lost its address meanwhile, it stays failed (its error says why).
    books = await ledgers_by_id(uow.session, run.tenant_id, (item.ledger_id for item in failed))
    current = [
        (item, books[item.ledger_id])
        for item in failed
        if item.ledger_id is not None and item.ledger_id in books
    ]
    directory = await entries_for_ledgers(
        uow.session, run.tenant_id, [ledger.names for _, ledger in current]
    )
    addressed = [
        (item, ledger, entry)
        for item, ledger in current
        if (entry := directory[ledger.name]) is not None and entry.to_addresses
    ]
    recipients = [
        statement_recipients(ledger.name, entry, settings.send_max_recipients)
        for _, ledger, entry in addressed
    ]
    await quota.reserve(
        uow, run.tenant_id, len(addressed), settings.statement_runs_hourly_quota, "run"
    )
    sender = StatementSender(
        run,
        company=await tenants.company_name(uow.session, run.tenant_id),
        message_domain=await tenants.message_domain(uow.session, run.tenant_id),
        max_attempts=1 if run.trigger == "manual" else settings.mail_max_attempts,
        settings=settings,
    )
    ledgers = await with_figures(
        uow.session, [ledger for _, ledger, _ in addressed], run.from_date, run.to_date
    )
    for (item, _, entry), to, ledger in zip(addressed, recipients, ledgers, strict=True):
        # The figures first: the confirmation asks about the item's balance, which must be
        # the one the resent statement shows (the books may have changed since).
        item.ledger_name, item.party_name = ledger.name, ledger.party_name
        item.closing_balance = ledger.closing
        item.entries = ledger.figures.entries
        await sender.queue(uow, item, ledger, to, Language(entry.language))
        item.resends += 1
    await uow.commit()
    return len(addressed)
