"""The seam where balance confirmations (issue 16, item 2) join a statement run.

With `confirm_balance`, each statement email carries a signed link to the party's
confirmation page. That feature owns the token, the page and the replies; a run only asks it,
once per statement it queues, for the paragraph to add to the email's body. Until it exists
this answers None and the email goes without a link (the run still records `confirm_balance`).
"""

from __future__ import annotations

from shared.infra.db import UnitOfWork
from shared.infra.db.models import StatementRun, StatementRunItem
from shared.languages import Language


async def confirmation_paragraph(
    uow: UnitOfWork, run: StatementRun, item: StatementRunItem, language: Language
) -> str | None:
    """The text (with its link) asking the party to confirm `item`'s closing balance, in
    `language`, made in the caller's transaction; None when nothing is to be added."""
    return None
