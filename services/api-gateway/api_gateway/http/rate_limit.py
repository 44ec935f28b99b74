"""A per-user fixed-window rate limit kept in Redis (shared by every gateway process)."""

from __future__ import annotations

import logging
import time

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api_gateway.http.problems import ProblemError

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# `ratelimit:<action>:<tenant>:<user>:<window start>`: one counter per user and minute.
KEY_PREFIX = "ratelimit:"


async def enforce_rate_limit(
    redis: Redis, prefix: str, action: str, tenant_id: str, user_id: str, per_minute: int
) -> None:
    """Count this request; 429 with `Retry-After` once the user is over `per_minute`. While
    Redis is unavailable the request is let through uncounted."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"{prefix}{KEY_PREFIX}{action}:{tenant_id}:{user_id}:{window}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
    except (RedisConnectionError, RedisTimeoutError) as exc:
        # Redis carries notices, never the work: while it restarts, requests that only write
        # rows go on, uncounted for that moment (logged), rather than every sender getting a 5xx.
        log.warning("rate limit not counted: Redis is unavailable (%s)", exc)
        return
    if int(count) > per_minute:
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
        raise ProblemError(
            429,
            f"at most {per_minute} report emails per minute; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
