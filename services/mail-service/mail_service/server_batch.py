"""One batch's emails to one SMTP server, from claim to recorded outcome.

- Sent over at most `mail_connections_per_server` connections, one message after another.
- Leases renewed while emails wait their turn: a slow server never lets a claim run out under
  a live worker (which would let a second worker send the same email).
- Outcomes recorded at most `mail_record_max_delay_seconds` after each arrives (and the rest at
  the end): with a slow server, that bounds what a crash would send again.
- When the server cannot be reached or refuses our login, the rest of the batch is not tried
  (each email gets the same failure, retried later when it is transient): one dead server
  holds a consumer loop for one deadline, not one per email.
- On shutdown, emails not yet tried are handed back to the queue for the next worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import delete

from shared import email_claims
from shared.db.models import EmailAudit

from .claiming import Claimed
from .deps import MailDeps
from .outcomes import Outcome, record_outcomes
from .smtp import SendFailure

log = logging.getLogger(__name__)

# Failures that say the server (or our login to it) is unusable, not that one message was bad.
SERVER_FAILURES = frozenset({"timeout", "connection_refused", "disconnected", "dns", "tls", "auth"})

SendOne = Callable[[Claimed, MailDeps], Awaitable[Outcome]]


class ServerBatch:
    def __init__(self, items: list[Claimed], deps: MailDeps, send_one: SendOne) -> None:
        self._deps = deps
        self._send_one = send_one
        self._queue = deque(items)
        self._held = {item.email.id: item for item in items}  # claimed, outcome not recorded
        self._pending: list[Outcome] = []
        self._arrived = asyncio.Event()
        self._sending_done = asyncio.Event()
        self._server_failure: SendFailure | None = None

    async def run(self) -> None:
        settings = self._deps.infra.settings
        renewing = asyncio.create_task(self._renew_leases())
        recording = asyncio.create_task(self._record_as_they_come())
        try:
            async with asyncio.TaskGroup() as lanes:
                for _ in range(min(settings.mail_connections_per_server, len(self._queue))):
                    lanes.create_task(self._lane())
        finally:
            # Whatever happened to the lanes, what was sent is recorded before we leave.
            self._sending_done.set()
            await asyncio.gather(renewing, recording, return_exceptions=True)
        if (failed := recording.exception()) is not None:
            raise failed  # the database stayed away (logged with the email ids)
        if self._queue:
            await self._hand_back()

    async def _lane(self) -> None:
        while self._queue and not self._deps.stopping.is_set():
            item = self._queue.popleft()
            if self._server_failure is not None:
                outcome = Outcome(item, _not_tried(self._server_failure), 0.0)
            else:
                outcome = await self._send_one(item, self._deps)
                failure = outcome.result
                if isinstance(failure, SendFailure) and failure.error_class in SERVER_FAILURES:
                    self._server_failure = failure
            self._pending.append(outcome)
            self._arrived.set()

    async def _record_as_they_come(self) -> None:
        delay = self._deps.infra.settings.mail_record_max_delay_seconds
        while True:
            await _until(self._arrived, self._sending_done)
            # The first outcome waits up to `delay` for company, unless sending ends first.
            await _until(self._sending_done, at_most=delay)
            if self._sending_done.is_set():
                break
            await self._flush(final=False)
        await self._flush(final=True)

    async def _flush(self, final: bool) -> None:
        due, self._pending = self._pending, []
        self._arrived.clear()
        if not due:
            return
        try:
            await record_outcomes(due, self._deps)
        except Exception:
            if final:
                ids = [str(outcome.claimed.email.id) for outcome in due]
                log.error(
                    "outcomes could not be recorded: these emails go out again once their "
                    "lease runs out",
                    extra={"email_ids": ids},
                )
                raise
            self._pending[:0] = due  # the final flush tries again
            return
        for outcome in due:
            self._held.pop(outcome.claimed.email.id, None)

    async def _renew_leases(self) -> None:
        """Every third of the lease, extend it for the emails still held. Never raises: a
        failed renewal is tried again next time (the lease is three times as long)."""
        seconds = self._deps.infra.settings.mail_lease_seconds
        while not self._sending_done.is_set():
            await _until(self._sending_done, at_most=seconds / 3)
            claims = [email_claims.claim_of(item.email) for item in self._held.values()]
            if self._sending_done.is_set() or not claims:
                continue
            try:
                async with self._deps.uow() as uow:
                    await email_claims.renew_leases(uow, claims, timedelta(seconds=seconds))
                    await uow.commit()
            except Exception:
                log.exception("renewing the leases of emails in flight failed")

    async def _hand_back(self) -> None:
        """Shutting down: the emails not tried go back to the queue, announced again, and
        their `sending` audit rows go (they were never attempted)."""
        items = list(self._queue)
        async with self._deps.uow() as uow:
            moved = await email_claims.hand_back(uow, [(i.email, i.correlation_id) for i in items])
            audits = [item.audit_id for item in items if item.email.id in moved]
            await uow.session.execute(delete(EmailAudit).where(EmailAudit.id.in_(audits)))
            await uow.commit()
        log.info("worker stopping: emails not tried handed back", extra={"emails": len(moved)})


def _not_tried(server_failure: SendFailure) -> SendFailure:
    return SendFailure(
        server_failure.error_class,
        f"not tried: an earlier email to the same server just failed ({server_failure.reason})",
        server_failure.code,
        server_failure.reply,
    )


async def _until(*events: asyncio.Event, at_most: float | None = None) -> None:
    """Return once any of `events` is set, or after `at_most` seconds."""
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=at_most, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*waiters, return_exceptions=True)
