"""The seam where balance confirmations join a statement run.

With `confirm_balance`, each statement email carries a signed link to the party's
confirmation page: the run asks `shared.domain.confirmations` (which owns the token, the page
and the replies) once per statement it queues, naming itself, so the confirmations can be
listed by run. A resent item asks again and gets the same confirmation and link back, unless
its balance changed since (then a new one, for the balance the resent statement shows).
"""

from __future__ import annotations

from shared.domain.confirmations import ConfirmationRequest, request_confirmation
from shared.domain.recipients import Recipients
from shared.domain.reports.ledger_source import LedgerRef
from shared.infra.db import UnitOfWork
from shared.infra.db.models import StatementRun, StatementRunItem
from shared.infra.settings import Settings
from shared.languages import Language


async def item_confirmation(
    uow: UnitOfWork,
    settings: Settings,
    run: StatementRun,
    item: StatementRunItem,
    language: Language,
    recipients: Recipients,
) -> ConfirmationRequest:
    """The confirmation of `item`'s closing balance at the run's end date, in `language`,
    made (or found) in the caller's transaction, with the paragraph for the email."""
    assert item.ledger_id is not None  # an item being sent has its ledger
    return await request_confirmation(
        uow.session,
        settings,
        tenant_id=run.tenant_id,
        ledger=LedgerRef(item.ledger_id, item.ledger_name),
        as_of=run.to_date,
        language=language,
        requested_by=run.requested_by,
        to=recipients.to,
        cc=recipients.cc,
        statement_run_id=run.id,
        balance=item.closing_balance,
    )
