"""A sender's hold on emails: lease-guarded claims, and the outcome only the holder of the claim
may record.

A claim is the pair (email id, attempt number): claiming increments `attempts`, so a sender
whose lease ran out and whose email was taken over holds a claim that no longer matches, and
every statement here is fenced with it. That is what keeps a slow sender from deciding the
newer attempt's outcome. The lease is sized to outlast a send (see the mail-service's
`sending`): it runs out only under a worker that died or lost its way.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, update

from shared.db import UnitOfWork
from shared.db.models import Email
from shared.emails import final_values
from shared.events import EmailFinished


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
            or_(
                and_(
                    Email.status == "queued",
                    or_(Email.next_attempt_at.is_(None), Email.next_attempt_at <= now),
                ),
                and_(Email.status == "sending", Email.lease_expires_at < now),
            ),
        )
        .values(status="sending", attempts=Email.attempts + 1, lease_expires_at=now + lease)
        .returning(Email)
        # Emails read earlier in this session get the claimed values (attempts, status).
        .execution_options(populate_existing=True)
    )
    return list(claimed)


async def mark_sent(uow: UnitOfWork, email: Email, correlation_id: str) -> bool:
    """Mark `email` sent (releasing its lease) while its claim still holds, and announce it
    with the request's correlation id. False: the claim was taken over, nothing changed."""
    now = datetime.now(UTC)
    moved = await uow.session.scalar(
        update(Email)
        .where(
            Email.id == email.id,
            Email.attempts == email.attempts,
            Email.status == "sending",
        )
        .values(
            status="sent",
            sent_at=now,
            error=None,
            lease_expires_at=None,
            updated_at=now,
            **final_values("sent"),
        )
        .returning(Email.id)
        .execution_options(synchronize_session=False)
    )
    if moved is None:
        return False
    uow.publish(
        EmailFinished(
            tenant_id=email.tenant_id,
            email_id=email.id,
            status="sent",
            correlation_id=correlation_id,
        )
    )
    return True
