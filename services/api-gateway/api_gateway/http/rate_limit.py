"""A per-user fixed-window rate limit kept in Redis (shared by every gateway process).

Everything that sends a report email on a user's click counts against the same limit: a
manual send and a schedule's "run now" (which exports and emails), so neither is a way
around the other.
"""

from __future__ import annotations

import time

from redis.asyncio import Redis

from api_gateway.http.problems import ProblemError
from shared.infra.settings import Settings
from shared.infra.tokens import Principal

WINDOW_SECONDS = 60
# The wall clock the windows follow (tests hold it still so no window ends mid-test).
clock = time.time
# The action every user-triggered report email counts against.
SEND_ACTION = "report-email"
# `ratelimit:<action>:<tenant>:<user>:<window start>`: one counter per user and minute.
KEY_PREFIX = "ratelimit:"


async def enforce_rate_limit(
    redis: Redis, prefix: str, action: str, tenant_id: str, user_id: str, per_minute: int
) -> None:
    """Count this request; 429 with `Retry-After` once the user is over `per_minute`."""
    now = clock()
    window = int(now // WINDOW_SECONDS)
    key = f"{prefix}{KEY_PREFIX}{action}:{tenant_id}:{user_id}:{window}"
    pipe = redis.pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, WINDOW_SECONDS * 2)
    count, _ = await pipe.execute()
    if int(count) > per_minute:
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
        raise ProblemError(
            429,
            f"at most {per_minute} report emails per minute; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
            code="rate_limited",
        )


async def enforce_send_rate(redis: Redis, settings: Settings, principal: Principal) -> None:
    """Count one user-triggered report email (a manual send or a schedule's run now)."""
    await enforce_rate_limit(
        redis,
        settings.bus_stream_prefix,
        SEND_ACTION,
        principal.tenant_id,
        principal.user_id,
        settings.send_rate_per_minute,
    )
