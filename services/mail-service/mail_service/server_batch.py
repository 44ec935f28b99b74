"""One batch's emails to one SMTP server (and login), from claim to recorded outcome.

- Sent over at most `mail_connections_per_server` connections, one message after another.
- Leases renewed every third of `mail_lease_seconds` until the outcomes are recorded, so a slow
  server never lets a claim run out under a live worker. An email is only offered to the
  server while this worker knows its claim holds: one taken over (or whose lease could not be
  renewed in time) is handed back instead of sent.
- Outcomes recorded at most `mail_record_max_delay_seconds` after they arrive (plus the time a
  recording takes), and the rest at the end: with a slow server, that bounds what a crash would
  send again.
- When the server cannot be reached, refuses TLS or refuses our login, the rest of the batch is
  not offered to it: each email gets that failure ("not tried: ..."), so a dead server holds a
  consumer loop for one deadline, not one per email.
- On shutdown, emails not yet tried are handed back to the queue for the next worker.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from datetime import timedelta

from sqlalchemy import delete

from shared.domain import email_claims
from shared.infra.db.models import EmailAudit

from .attempt import attempt
from .claiming import Claimed
from .deps import MailDeps
from .failures import SendFailure
from .outcomes import Outcome, record_outcomes

log = logging.getLogger(__name__)


class ServerBatch:
    def __init__(self, items: list[Claimed], deps: MailDeps) -> None:
        self._deps = deps
        self._lease = deps.infra.settings.mail_lease_seconds
        self._queue = deque(items)
        self._unrecorded = {item.email.id: item for item in items}
        # Until when (monotonic clock) the claims are known to hold, with a third of the lease
        # to spare: the claim was just made, and every renewal pushes it on.
        self._claims_hold_until = time.monotonic() + self._lease * 2 / 3
        self._taken_over: set[uuid.UUID] = set()
        self._not_ours: list[Claimed] = []  # popped but not offered: handed back at the end
        self._pending: list[Outcome] = []
        self._arrived = asyncio.Event()
        self._sending_done = asyncio.Event()
        self._recorded = asyncio.Event()
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
            # Whatever happened to the lanes, what was sent is recorded before we leave, and
            # the leases are kept alive until then.
            self._sending_done.set()
            await asyncio.gather(recording, return_exceptions=True)
            self._recorded.set()
            await asyncio.gather(renewing, return_exceptions=True)
        if (failed := recording.exception()) is not None:
            raise failed  # the database stayed away (logged with the email ids)
        if self._queue or self._not_ours:
            await self._hand_back([*self._not_ours, *self._queue])

    async def _lane(self) -> None:
        while self._queue and not self._deps.stopping.is_set():
            item = self._queue.popleft()
            if item.email.id in self._taken_over or time.monotonic() > self._claims_hold_until:
                self._not_ours.append(item)  # never offered to the server: safe to hand back
                continue
            if self._server_failure is not None:
                outcome = Outcome(item, _not_tried(self._server_failure), 0.0)
            else:
                outcome = await attempt(item, self._deps)
                failure = outcome.result
                if isinstance(failure, SendFailure) and failure.at_connect:
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
            self._pending[:0] = due
            self._arrived.set()  # tried again after the delay, not only at the next arrival
            return
        for outcome in due:
            self._unrecorded.pop(outcome.claimed.email.id, None)

    async def _renew_leases(self) -> None:
        """Every third of the lease, extend it for the emails not yet recorded, until they
        are. Never raises: a failed renewal is tried again next time, and lanes stop offering
        emails to the server once the last known lease is within a third of running out."""
        lease = timedelta(seconds=self._lease)
        while not self._recorded.is_set():
            await _until(self._recorded, at_most=self._lease / 3)
            claims = [email_claims.claim_of(item.email) for item in self._unrecorded.values()]
            if self._recorded.is_set() or not claims:
                continue
            started = time.monotonic()
            try:
                async with self._deps.uow() as uow:
                    still_ours = await email_claims.renew_leases(uow, claims, lease)
                    await uow.commit()
            except Exception:
                log.exception("renewing the leases of emails in flight failed")
                continue
            self._taken_over |= {email_id for email_id, _ in claims} - still_ours
            self._claims_hold_until = started + self._lease * 2 / 3

    async def _hand_back(self, items: list[Claimed]) -> None:
        """Emails never offered to the server (stopping, or the claim in doubt) go back to the
        queue, announced again, and their `sending` audit rows go (never attempted). Those
        taken over by another worker are left to it."""
        async with self._deps.uow() as uow:
            moved = await email_claims.hand_back(uow, [(i.email, i.correlation_id) for i in items])
            audits = [item.audit_id for item in items]  # none was offered: none was an attempt
            await uow.session.execute(delete(EmailAudit).where(EmailAudit.id.in_(audits)))
            await uow.commit()
        log.info("emails not tried handed back", extra={"emails": len(moved)})


def _not_tried(server_failure: SendFailure) -> SendFailure:
    failure = SendFailure(
        server_failure.error_class,
        f"not tried: an earlier email to the same server just failed ({server_failure.reason})",
        server_failure.code,
        server_failure.reply,
    )
    failure.at_connect = True
    return failure


async def _until(*events: asyncio.Event, at_most: float | None = None) -> None:
    """Return once any of `events` is set, or after `at_most` seconds."""
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=at_most, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
