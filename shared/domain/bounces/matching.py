"""Match a read bounce to the email it reports on and record each failed recipient.

The email is found by our own `Message-ID` (stable per email, `shared.domain.emails`) among
the candidates the notification gives, within the tenant whose mailbox it came from. Only
addresses the email was sent to (To, CC or BCC, compared without case) are recorded: a
notification about anyone else, or about a message that is not ours, changes nothing.
Recording is idempotent (one row per email and address), so reading a message twice (a
folder recreated under a new UIDVALIDITY, two workers) records nothing twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.bounces.notifications import BounceReport
from shared.infra.db.models import Email, EmailBounce

log = logging.getLogger(__name__)

# A notification may quote many Message-IDs (a References chain): the first few suffice.
MAX_CANDIDATE_IDS = 20


@dataclass(frozen=True)
class Found:
    """Where in the mailbox a notification was read."""

    uidvalidity: int
    uid: int


async def record_bounce(
    session: AsyncSession, tenant_id: str, report: BounceReport, where: Found
) -> int:
    """Record the report's failed recipients on the email it names; returns rows added."""
    candidates = list(report.message_ids[:MAX_CANDIDATE_IDS])
    if not candidates:
        return 0
    email = await session.scalar(
        select(Email)
        .where(Email.tenant_id == tenant_id, Email.message_id.in_(candidates))
        .order_by(Email.created_at.desc())
        .limit(1)
    )
    if email is None:
        return 0
    ours = {a.lower() for a in (*email.to_addresses, *email.cc_addresses, *email.bcc_addresses)}
    rows = []
    for recipient in report.recipients:
        address = next((a for a in recipient.addresses if a in ours), None)
        if address is None:
            log.info(
                "bounce names an address the email was not sent to",
                extra={"tenant_id": tenant_id, "email_id": str(email.id), "uid": where.uid},
            )
            continue
        rows.append(
            {
                "tenant_id": tenant_id,
                "email_id": email.id,
                "address": address,
                "status_code": recipient.status_code,
                "diagnostic": recipient.diagnostic,
                "reporting_mta": (report.reporting_mta or "")[:255] or None,
                "uidvalidity": where.uidvalidity,
                "uid": where.uid,
            }
        )
    if not rows:
        return 0
    added = await session.scalars(
        pg_insert(EmailBounce)
        .values(rows)
        .on_conflict_do_nothing(index_elements=[EmailBounce.email_id, EmailBounce.address])
        .returning(EmailBounce.id)
    )
    return len(added.all())
