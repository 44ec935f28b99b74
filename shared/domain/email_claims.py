"""A sender's hold on emails: lease-guarded claims, renewed while they wait, handed back on
shutdown, and the outcomes that only the holder of the claim may record.

A claim is the pair (email id, attempt number) of `shared.domain.leases`: claiming increments
`attempts`, so a sender whose lease ran out and whose email was taken over holds a claim that
no longer matches, and every statement here is fenced with it. That is what keeps a slow
sender from deciding (or extending) the newer attempt's outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from shared.domain.emails import EMAIL_WORK, due_now, final_values
from shared.domain.leases import Claim
from shared.events import EmailFinished, EmailRequested
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email
from shared.states import EmailStatus


def claim_of(email: Email) -> Claim:
    return (email.id, email.attempts)


async def claim_emails(
    uow: UnitOfWork, email_ids: Collection[uuid.UUID], lease: timedelta
) -> list[Email]:
    """Take emails for sending: queued and due, or sending with an expired lease (a worker
    died mid-send). Left out: sent, failed, not yet due, or leased by a live worker."""
    now = datetime.now(UTC)
    claimed = await uow.session.scalars(
        update(Email)
        .where(
            Email.id.in_(email_ids),
            EMAIL_WORK.claimable(now, ready=due_now(now)),
        )
        .values(
            status=EmailStatus.SENDING, attempts=Email.attempts + 1, lease_expires_at=now + lease
        )
        .returning(Email)
        # Emails read earlier in this session get the claimed values (attempts, status).
        .execution_options(populate_existing=True)
    )
    return list(claimed)


async def renew_leases(
    uow: UnitOfWork, claims: Collection[Claim], lease: timedelta
) -> set[uuid.UUID]:
    """Extend the lease of emails still held (waiting their turn, or being sent); returns the
    ids whose claim still holds (the others were taken over: not ours to send any more)."""
    return await EMAIL_WORK.renew(uow, claims, lease)


async def hand_back(
    uow: UnitOfWork, untried: Sequence[tuple[Email, str]], due_in: timedelta | None = None
) -> set[uuid.UUID]:
    """Return claimed emails that were never tried to the queue, as if never claimed (the
    attempt is undone). Announced again at once (with its correlation id) for the next worker,
    or, with `due_in`, due only after that delay: the reconcile sweep announces it then."""
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "status": EmailStatus.QUEUED,
        "attempts": Email.attempts - 1,
        "announced_at": now,
    }
    if due_in is not None:
        values["next_attempt_at"] = now + due_in
    moved = await _move_claimed(uow, untried, now, values) if untried else set()
    for email, correlation_id in untried:
        if email.id in moved and due_in is None:
            uow.publish(
                EmailRequested(
                    tenant_id=email.tenant_id, email_id=email.id, correlation_id=correlation_id
                )
            )
    return moved


async def mark_all_sent(uow: UnitOfWork, sent: Sequence[tuple[Email, str]]) -> set[uuid.UUID]:
    """Mark each `(email, correlation id)` sent, in one statement, while its claim still holds,
    and announce each with its own correlation id. Returns the ids that moved."""
    now = datetime.now(UTC)
    values = {
        "status": EmailStatus.SENT,
        "sent_at": now,
        "error": None,
        **final_values(EmailStatus.SENT),
    }
    moved = await _move_claimed(uow, sent, now, values)
    for email, correlation_id in sent:
        if email.id in moved:
            uow.publish(
                EmailFinished(
                    tenant_id=email.tenant_id,
                    email_id=email.id,
                    status=EmailStatus.SENT,
                    schedule_run_id=email.schedule_run_id,
                    correlation_id=correlation_id,
                )
            )
    return moved


async def _move_claimed(
    uow: UnitOfWork, held: Sequence[tuple[Email, str]], now: datetime, values: dict[str, Any]
) -> set[uuid.UUID]:
    """Apply `values` (and release the lease) to the emails whose claims still hold."""
    moved = await uow.session.scalars(
        update(Email)
        .where(EMAIL_WORK.held_by([claim_of(email) for email, _ in held]))
        .values(lease_expires_at=None, updated_at=now, **values)
        .returning(Email.id)
        .execution_options(synchronize_session=False)
    )
    return set(moved)
