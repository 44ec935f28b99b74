"""What became of a statement run: counts by status (and skip reason), and each ledger's item.

An item's status is its email's, read through `ITEM_STATUS_OF_EMAIL` when asked: the
mail-service never has to know about runs, and a resent item follows its newest email. A sent
email that a recipient's mailbox bounced later (bounce tracking, `shared.domain.bounces`) makes
its item `bounced`.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, not_, select

from shared.domain.bounces.recipients import bounced_email_ids
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email, EmailBounce, StatementRun, StatementRunItem
from shared.states import ITEM_STATUS_OF_EMAIL, EmailStatus, SkipReason, StatementItemStatus

# The item's email was sent and a recipient's bounce came back for it (as bounced_email_ids).
BOUNCED = and_(
    Email.status == EmailStatus.SENT,
    exists().where(EmailBounce.email_id == Email.id, EmailBounce.tenant_id == Email.tenant_id),
)


def item_status(
    skip: SkipReason | None, email_status: EmailStatus | None, bounced: bool = False
) -> StatementItemStatus:
    if skip is not None or email_status is None:
        return StatementItemStatus.SKIPPED
    if bounced and email_status == EmailStatus.SENT:
        return StatementItemStatus.BOUNCED
    return ITEM_STATUS_OF_EMAIL[email_status]


def showing(status: StatementItemStatus) -> Any:
    """The condition (over items joined to their emails) of items in `status`."""
    if status == StatementItemStatus.SKIPPED:
        return StatementRunItem.email_id.is_(None)
    if status == StatementItemStatus.BOUNCED:
        return BOUNCED
    condition = Email.status.in_(emails_showing(status))
    return and_(condition, not_(BOUNCED)) if status == StatementItemStatus.SENT else condition


@dataclass(frozen=True)
class RunCounts:
    total: int
    by_status: dict[StatementItemStatus, int]
    skipped: dict[SkipReason, int]
    finished: bool = field(default=False)


@dataclass(frozen=True)
class ItemOutcome:
    item: StatementRunItem
    status: StatementItemStatus
    email: Email | None


async def find_run(
    uow: UnitOfWork, tenant_id: str, run_id: uuid.UUID, requested_by: str | None
) -> StatementRun | None:
    """The tenant's run (only `requested_by`'s when given: a user sees their own runs)."""
    query = select(StatementRun).where(
        StatementRun.id == run_id, StatementRun.tenant_id == tenant_id
    )
    if requested_by is not None:
        query = query.where(StatementRun.requested_by == requested_by)
    found: StatementRun | None = await uow.session.scalar(query)
    return found


async def run_counts(uow: UnitOfWork, run_id: uuid.UUID) -> RunCounts:
    bounced = BOUNCED.label("bounced")
    rows = await uow.session.execute(
        select(StatementRunItem.skip_reason, Email.status, bounced, func.count())
        .outerjoin(Email, Email.id == StatementRunItem.email_id)
        .where(StatementRunItem.run_id == run_id)
        .group_by(StatementRunItem.skip_reason, Email.status, bounced)
    )
    by_status: Counter[StatementItemStatus] = Counter()
    skipped: Counter[SkipReason] = Counter()
    for skip, email_status, was_bounced, count in rows:
        by_status[item_status(skip, email_status, bool(was_bounced))] += count
        if skip is not None:
            skipped[skip] += count
    total = sum(by_status.values())
    moving = by_status[StatementItemStatus.QUEUED] + by_status[StatementItemStatus.SENDING]
    return RunCounts(
        total,
        {status: by_status[status] for status in StatementItemStatus},
        {reason: skipped[reason] for reason in SkipReason},
        finished=moving == 0,
    )


def emails_showing(status: StatementItemStatus) -> list[EmailStatus]:
    return [email for email, item in ITEM_STATUS_OF_EMAIL.items() if item == status]


async def run_items(
    uow: UnitOfWork,
    run_id: uuid.UUID,
    *,
    after: int,
    limit: int,
    status: StatementItemStatus | None = None,
) -> tuple[list[ItemOutcome], int | None]:
    """A page of items in the ledgers' order, after position `after` (-1: from the start),
    and the position to continue after (None on the last page)."""
    query = (
        select(StatementRunItem, Email)
        .outerjoin(Email, Email.id == StatementRunItem.email_id)
        .where(StatementRunItem.run_id == run_id, StatementRunItem.position > after)
    )
    if status is not None:
        query = query.where(showing(status))
    rows = list(
        await uow.session.execute(query.order_by(StatementRunItem.position).limit(limit + 1))
    )
    emails = [email for _, email in rows[:limit] if email is not None]
    bounced = (
        await bounced_email_ids(uow.session, emails[0].tenant_id, [e.id for e in emails])
        if emails
        else set()
    )
    outcomes = [
        ItemOutcome(
            item,
            item_status(
                item.skip_reason, email.status if email else None, item.email_id in bounced
            ),
            email,
        )
        for item, email in rows[:limit]
    ]
    more = len(rows) > limit
    return outcomes, outcomes[-1].item.position if more and outcomes else None
