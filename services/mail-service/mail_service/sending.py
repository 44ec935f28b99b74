"""Sending emails a batch at a time: claim them, send them, record every outcome.

At-least-once delivery never becomes a double send: the claim is a lease-guarded conditional
UPDATE, so an email already `sent` is not sent again and one `sending` under a live lease is
left alone. The one crash window is after the server's 250 and before our commit: the resend
that follows carries the same Message-ID, and the audit shows both attempts.

A batch (the events of one read from the stream) costs one transaction to claim; then each
server's emails go out as a `ServerBatch` (a few reused connections, leases renewed, outcomes
recorded together shortly after they arrive).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Sequence

from shared.events import EmailRequested

from .claiming import Claimed, claim_batch
from .deps import MailDeps
from .server_batch import ServerBatch
from .smtp import PoolKey


async def send_emails(requests: Sequence[EmailRequested], deps: MailDeps) -> None:
    """Handle `email.requested` events: send each email (or settle it), at most once."""
    claimed = await claim_batch(requests, deps)
    by_server: dict[PoolKey, list[Claimed]] = defaultdict(list)
    for item in claimed:
        by_server[item.config.target.pool_key].append(item)
    # Servers are independent: a slow one holds up only its own emails' outcomes (an admin
    # waiting on a test email, say), and one server's failure (recording it, say) must not
    # cancel another's conversation midway.
    results = await asyncio.gather(
        *(ServerBatch(items, deps).run() for items in by_server.values()),
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result
