"""Sending emails one at a time: claim it, send it, record its outcome.

At-least-once delivery never becomes a double send: the claim is a lease-guarded conditional
UPDATE, so an email already `sent` is not sent again and one `sending` under a live lease is
left alone. The lease (`mail_lease_seconds`) is at least twice the send deadline, and the
deadline covers the wait for a connection as well as the conversation, so a live worker's claim
never runs out under it: no renewal, no hand-back. The one crash window is after the server's
250 and before our commit: the resend that follows carries the same Message-ID, and the audit
shows both attempts.

The emails of one stream read are sent side by side, each on its own: one short transaction to
claim, the server's pooled connections (`SmtpPool`: at most `mail_connections_per_server`
conversations at once), one short transaction to record.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from shared.events import EmailRequested
from shared.logging import correlated

from .attempt import attempt
from .claiming import claim_email
from .deps import MailDeps
from .outcomes import record_outcome


async def send_email(request: EmailRequested, deps: MailDeps) -> None:
    """Handle one `email.requested` event: send the email (or settle it), at most once."""
    with correlated(request.correlation_id):
        claimed = await claim_email(request, deps)
        if claimed is None:
            return
        outcome = await attempt(claimed, deps)
        await record_outcome(outcome, deps)


async def send_emails(requests: Sequence[EmailRequested], deps: MailDeps) -> None:
    """The events of one read, side by side. If one fails, the others still finish (an email
    sent is recorded before we leave); the consumer then retries the read event by event, and
    the emails already sent are not sent again."""
    results = await asyncio.gather(
        *(send_email(request, deps) for request in requests), return_exceptions=True
    )
    for result in results:
        if isinstance(result, BaseException):
            raise result
