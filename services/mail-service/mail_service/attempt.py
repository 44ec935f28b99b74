"""One attempt at one claimed email: build the message, send it, and say what happened."""

from __future__ import annotations

import logging
import time

from shared.correlation import correlated

from .claiming import Claimed
from .compose import build_message, envelope_recipients
from .deps import MailDeps
from .failures import SendFailure
from .outcomes import Outcome
from .smtp import SendResult

log = logging.getLogger(__name__)

# Claims beyond `max_attempts` that a lease take-over may add (a worker killed mid-send).
TAKE_OVER_ALLOWANCE = 2


async def attempt(item: Claimed, deps: MailDeps) -> Outcome:
    """Never raises (but for cancellation): a claimed email always gets an outcome to record."""
    started = time.monotonic()
    with correlated(item.correlation_id):
        try:
            result: SendResult | SendFailure = await _send(item, deps)
        except SendFailure as failure:
            result = failure
        except Exception as exc:
            log.exception("sending failed unexpectedly", extra={"email_id": str(item.email.id)})
            result = SendFailure("unexpected", f"sending failed: {type(exc).__name__}: {exc}")
    return Outcome(item, result, time.monotonic() - started)


async def _send(item: Claimed, deps: MailDeps) -> SendResult:
    email, config, delivery = item.email, item.config, item.delivery
    if email.attempts > email.max_attempts + TAKE_OVER_ALLOWANCE:
        # Claimed again and again without an outcome (workers dying mid-send): stop here.
        raise SendFailure("gave_up", f"gave up after {email.attempts - 1} attempts")
    try:
        attachment = delivery.attachment if delivery else None
        message = build_message(
            email,
            config.sender,
            await deps.parts.get(attachment) if attachment else None,
            delivery.link if delivery else None,
            item.timezone,
            public_base_url=deps.infra.settings.public_base_url,
        )
    except (OSError, ValueError) as exc:
        # The file vanished (expired, cleaned up) or a stored value cannot go in a header:
        # the email fails with the reason instead of staying `sending` and looping.
        raise SendFailure("compose", f"the message could not be built: {exc}") from exc
    # A test send answers an admin who is waiting: it gets the SMTP timeout and no more.
    deadline = min(deps.infra.settings.mail_send_deadline_seconds, config.target.timeout * 3)
    if email.trigger == "test":
        deadline = config.target.timeout
    recipients = envelope_recipients(email)
    return await deps.pool.send(
        config.target,
        message,
        config.sender.from_email,
        recipients,
        deadline,
        limited=email.trigger != "test",  # an admin is waiting: not queued behind a batch
    )
