"""A per-user fixed-window rate limit kept in Redis (shared by every gateway process).

Everything that sends a report email on a user's click counts against the same limit: a
manual send and a schedule's "run now" (which exports and emails), so neither is a way
around the other.
"""

from __future__ import annotations

import asyncio
import logging
import time

from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from api_gateway.http.problems import ProblemError
from shared.infra.settings import Settings
from shared.infra.tokens import Principal

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
# The wall clock the windows follow (tests hold it still so no window ends mid-test).
clock = time.time
# The action every user-triggered report email counts against.
SEND_ACTION = "report-email"
# `ratelimit:<action>:<tenant>:<user>:<window start>`: one counter per user and minute.
KEY_PREFIX = "ratelimit:"


async def enforce_rate_limit(
    redis: Redis,
    prefix: str,
    action: str,
    tenant_id: str,
    user_id: str,
    per_minute: int,
    what: str = "report emails",
) -> None:
    """Count this request; 429 with `Retry-After` once the user (or client: `user_id` names
    whoever is counted) is over `per_minute` of `what`. While Redis is unavailable the
    request is let through uncounted."""
    now = clock()
    window = int(now // WINDOW_SECONDS)
    key = f"{prefix}{KEY_PREFIX}{action}:{tenant_id}:{user_id}:{window}"
    try:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS * 2)
            count, _ = await pipe.execute()
    except (RedisConnectionError, RedisTimeoutError) as exc:
        if _pool_exhausted(exc):
            # Our own pool stayed busy past its wait: a burst, not an outage. Letting it through
            # uncounted would let a burst skip the limit, so it answers 503 (the busy handler).
            raise
        # Redis carries notices, never the work: while it restarts, requests that only write
        # rows go on, uncounted for that moment (logged), rather than every sender getting a 5xx.
        log.warning("rate limit not counted: Redis is unavailable (%s)", exc)
        return
    if int(count) > per_minute:
        retry_after = max(1, int((window + 1) * WINDOW_SECONDS - now) + 1)
        raise ProblemError(
            429,
            f"at most {per_minute} {what} per minute; try again in {retry_after} s",
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


def _pool_exhausted(exc: Exception) -> bool:
    """The blocking pool's wait ran out (redis-py raises ConnectionError from a TimeoutError)."""
    return isinstance(exc, RedisConnectionError) and isinstance(exc.__cause__, asyncio.TimeoutError)
