"""The web app's side of balance confirmations: list, read one, remind now.

Every role of the tenant reads its confirmations, as every role reads its books and may
export any ledger (the auditor's export, a report, is tenant-wide too); another tenant's is
404. Reminders follow the same rule as the scheduler's sweep
(`shared.domain.confirmations.reminders`), so pressing the button twice reminds nobody twice.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from api_gateway.confirmations.schemas import (
    ConfirmationCounts,
    ConfirmationDetail,
    ConfirmationPage,
    ConfirmationPublic,
    ConfirmationReplyPublic,
    RemindersSent,
)
from api_gateway.http.pagination import newest_first, page
from api_gateway.http.problems import ProblemError
from shared.domain.confirmations.listing import (
    ConfirmationFilter,
    names_now,
    names_now_of,
    ordered,
    status_counts,
)
from shared.domain.confirmations.reminders import send_due_reminders
from shared.domain.confirmations.replies import reply_history
from shared.infra.db import UnitOfWork
from shared.infra.db.models import BalanceConfirmation
from shared.infra.runtime import Infrastructure
from shared.infra.tokens import Principal
from shared.states import ConfirmationStatus


def _scope(
    user: Principal,
    statement_run_id: uuid.UUID | None = None,
    as_of: date | None = None,
    status: ConfirmationStatus | None = None,
) -> ConfirmationFilter:
    """The tenant's confirmations under the given filters."""
    return ConfirmationFilter(
        tenant_id=user.tenant_id,
        statement_run_id=statement_run_id,
        as_of=as_of,
        status=status,
    )


async def list_confirmations(
    uow: UnitOfWork,
    user: Principal,
    *,
    statement_run_id: uuid.UUID | None,
    as_of: date | None,
    status: ConfirmationStatus | None,
    limit: int,
    cursor: str | None,
) -> ConfirmationPage:
    where = _scope(user, statement_run_id=statement_run_id, as_of=as_of, status=status)
    c = BalanceConfirmation
    query = newest_first(ordered(where), c.created_at, c.id, cursor, limit)
    rows = list(await uow.session.scalars(query))
    kept, next_cursor = page(rows, limit, lambda row: (row.created_at, row.id))
    counts = await status_counts(uow.session, where)
    names = await names_now(uow.session, kept)
    return ConfirmationPage(
        items=[ConfirmationPublic.of(row, names[row.id]) for row in kept],
        next_cursor=next_cursor,
        counts=ConfirmationCounts(**counts),
    )


async def read_confirmation(
    uow: UnitOfWork, user: Principal, confirmation_id: uuid.UUID
) -> ConfirmationDetail:
    where = _scope(user)
    found = await uow.session.scalar(
        ordered(where).where(BalanceConfirmation.id == confirmation_id)
    )
    if found is None:
        raise ProblemError(404, "no such confirmation", code="confirmation_not_found")
    history = await reply_history(uow.session, found.id)
    return ConfirmationDetail(
        **ConfirmationPublic.of(found, await names_now_of(uow.session, found)).model_dump(),
        history=[ConfirmationReplyPublic.of(reply) for reply in history],
    )


async def remind_now(
    infra: Infrastructure, user: Principal, statement_run_id: uuid.UUID | None
) -> RemindersSent:
    reminded = await send_due_reminders(
        infra.uow,
        infra.settings,
        datetime.now(UTC),
        tenant_id=user.tenant_id,
        statement_run_id=statement_run_id,
    )
    return RemindersSent(reminded=len(reminded), confirmation_ids=reminded)
