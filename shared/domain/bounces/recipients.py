"""Each recipient's status on an email: `accepted` or `refused` by our SMTP server during the
conversation, `bounced` when a notification came back for it later.

An address counts as accepted once the email was sent and the server did not refuse it; a
bounce overrides that. While an email has not been sent (queued, sending, or failed without a
word about recipients), its recipients have no status yet. Statement runs count bounced items
with `bounced_email_ids`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from shared.infra.db.models import Email, EmailAudit, EmailBounce
from shared.states import AuditStatus, RecipientStatus

# The mail-service's error class of an attempt whose every recipient the server refused.
RECIPIENTS_REFUSED = "recipients_refused"


@dataclass(frozen=True)
class RecipientOutcome:
    address: str
    kind: str  # to | cc | bcc
    status: RecipientStatus | None  # None: not known yet
    status_code: str | None = None  # the bounce's enhanced code (5.1.1), or the refusal's
    diagnostic: str | None = None
    bounced_at: datetime | None = None


async def bounces_of(
    session: AsyncSession, email_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[str, EmailBounce]]:
    """The bounces recorded for these emails, by email and lower-cased address."""
    ids = list(set(email_ids))
    found: dict[uuid.UUID, dict[str, EmailBounce]] = {}
    if not ids:
        return found
    for row in await session.scalars(select(EmailBounce).where(EmailBounce.email_id.in_(ids))):
        found.setdefault(row.email_id, {})[row.address] = row
    return found


async def bounced_email_ids(
    session: AsyncSession, tenant_id: str, email_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """Which of these emails had at least one recipient bounce (for counting)."""
    ids = list(set(email_ids))
    if not ids:
        return set()
    query = select(EmailBounce.email_id).where(
        EmailBounce.tenant_id == tenant_id, EmailBounce.email_id.in_(ids)
    )
    return set(await session.scalars(query.distinct()))


async def latest_bounces(
    session: AsyncSession, tenant_id: str, addresses: Iterable[str]
) -> dict[str, EmailBounce]:
    """The latest bounce of each of these addresses (lower-cased) in the tenant's emails: what
    the party directory flags."""
    wanted = sorted({a.lower() for a in addresses})
    if not wanted:
        return {}
    query = (
        select(EmailBounce)
        .where(EmailBounce.tenant_id == tenant_id, EmailBounce.address.in_(wanted))
        .order_by(EmailBounce.address, EmailBounce.created_at.desc())
        .ext(distinct_on(EmailBounce.address))
    )
    return {row.address: row for row in await session.scalars(query)}


def outcomes(
    to: Sequence[str],
    cc: Sequence[str],
    bcc: Sequence[str],
    *,
    sent: bool,
    refused: dict[str, str] | None,
    bounces: dict[str, EmailBounce],
    everyone_refused: str | None = None,
) -> list[RecipientOutcome]:
    """Every recipient of one email (or one attempt) with its status; `everyone_refused` is
    the reason when the server refused every recipient (the attempt failed on it, and the
    audit row keeps that reason rather than one reply per address)."""
    refused_lower = {address.lower(): reply for address, reply in (refused or {}).items()}
    result: list[RecipientOutcome] = []
    for kind, addresses in (("to", to), ("cc", cc), ("bcc", bcc)):
        for address in addresses:
            key = address.lower()
            bounce = bounces.get(key)
            if bounce is not None:
                result.append(
                    RecipientOutcome(
                        address,
                        kind,
                        RecipientStatus.BOUNCED,
                        bounce.status_code,
                        bounce.diagnostic,
                        bounce.created_at,
                    )
                )
            elif key in refused_lower:
                reply = refused_lower[key]
                result.append(
                    RecipientOutcome(
                        address, kind, RecipientStatus.REFUSED, reply[:3] or None, reply
                    )
                )
            elif sent:
                result.append(RecipientOutcome(address, kind, RecipientStatus.ACCEPTED))
            elif everyone_refused is not None:
                result.append(
                    RecipientOutcome(address, kind, RecipientStatus.REFUSED, None, everyone_refused)
                )
            else:
                result.append(RecipientOutcome(address, kind, None))
    return result


async def email_outcomes(session: AsyncSession, email: Email) -> list[RecipientOutcome]:
    """One email's recipients with their status, from its last finished attempt and bounces."""
    attempt = await session.scalar(
        select(EmailAudit)
        .where(EmailAudit.email_id == email.id, EmailAudit.status != AuditStatus.SENDING)
        .order_by(EmailAudit.created_at.desc())
        .limit(1)
    )
    bounces = (await bounces_of(session, [email.id])).get(email.id, {})
    return outcomes(
        email.to_addresses,
        email.cc_addresses,
        email.bcc_addresses,
        sent=attempt is not None and attempt.status == AuditStatus.SENT,
        refused=attempt.refused_recipients if attempt else None,
        bounces=bounces,
        everyone_refused=_everyone_refused(attempt),
    )


async def audit_outcomes(
    session: AsyncSession, rows: Sequence[EmailAudit]
) -> dict[uuid.UUID, list[RecipientOutcome]]:
    """Each audit row's recipients with their status (a bounce shows on the attempt that sent)."""
    bounces = await bounces_of(session, [r.email_id for r in rows if r.email_id is not None])
    return {
        row.id: outcomes(
            row.to_addresses,
            row.cc_addresses,
            row.bcc_addresses,
            sent=row.status == AuditStatus.SENT,
            refused=row.refused_recipients,
            bounces=bounces.get(row.email_id, {})
            if row.email_id is not None and row.status == AuditStatus.SENT
            else {},
            everyone_refused=_everyone_refused(row),
        )
        for row in rows
    }


def _everyone_refused(attempt: EmailAudit | None) -> str | None:
    if attempt is None or attempt.error_class != RECIPIENTS_REFUSED:
        return None
    return attempt.error or "every recipient was refused"
