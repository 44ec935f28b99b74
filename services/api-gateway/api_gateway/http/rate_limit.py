"""A per-user fixed-window rate limit kept in Redis (shared by every gateway process)."""

from __future__ import annotations

import time

from redis.asyncio import Redis

from api_gateway.http.problems import ProblemError

WINDOW_SECONDS = 60
# `ratelimit:<action>:<tenant>:<user>:<window start>`: one counter per user and minute.
KEY_PREFIX = "ratelimit:"


async def enforce_rate_limit(
    redis: Redis, prefix: str, action: str, tenant_id: str, user_id: str, per_minute: int
) -> None:
    """Count this request; 429 with `Retry-After` once the user is over `per_minute`."""
    now = time.time()
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
        )
