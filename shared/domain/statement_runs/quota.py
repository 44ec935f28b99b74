"""The per-tenant hourly quota of statements that runs may email.

Counted from the emails themselves (those with a `statement_run_id`, created in the last
hour), so it survives restarts and holds across gateway processes and the scheduler. The
count and the new emails are decided under a transaction-scoped advisory lock per tenant
(`lock`): two runs started at once cannot both fit in what is left.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from shared.domain.statement_runs.errors import StatementRunError
from shared.infra.db import UnitOfWork
from shared.infra.db.models import Email

WINDOW = timedelta(hours=1)


async def lock(uow: UnitOfWork, tenant_id: str) -> None:
    """Take the tenant's statement run lock until the caller's transaction ends: runs (and
    resends) of one tenant are decided one at a time, so two cannot both fit in what is left
    of the quota, nor two requests with one Idempotency-Key both start a run."""
    await uow.session.execute(
        text("SELECT pg_advisory_xact_lock(hashtext('statement-runs'), hashtext(:tenant))"),
        {"tenant": tenant_id},
    )


async def reserve(uow: UnitOfWork, tenant_id: str, wanted: int, quota: int, field: str) -> None:
    """Refuse (429, with the seconds until enough of the hour's statements age out) when
    `wanted` more statements do not fit; the caller holds `lock`."""
    if wanted == 0:
        return
    since = datetime.now(UTC) - WINDOW
    recent = list(
        await uow.session.scalars(
            select(Email.created_at)
            .where(
                Email.tenant_id == tenant_id,
                Email.statement_run_id.is_not(None),
                Email.created_at > since,
            )
            .order_by(Email.created_at)
        )
    )
    over = len(recent) + wanted - quota
    if over <= 0:
        return
    if wanted > quota:
        retry_after = None  # never fits: a smaller run, or a higher quota
    else:
        # The hour's oldest statements leave the window first; `over` of them must.
        frees_at = recent[over - 1] + WINDOW
        retry_after = max(1, math.ceil((frees_at - datetime.now(UTC)).total_seconds()))
    raise StatementRunError(
        field,
        f"{wanted} statements would pass the tenant's quota of {quota} an hour "
        f"({len(recent)} sent by runs in the last hour)",
        status=429,
        code="statement_quota_exceeded",
        retry_after=retry_after,
    )


async def used_last_hour(uow: UnitOfWork, tenant_id: str) -> int:
    since = datetime.now(UTC) - WINDOW
    count = await uow.session.scalar(
        select(func.count()).where(
            Email.tenant_id == tenant_id,
            Email.statement_run_id.is_not(None),
            Email.created_at > since,
        )
    )
    return int(count or 0)
