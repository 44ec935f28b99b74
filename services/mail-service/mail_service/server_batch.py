"""One batch's emails to one SMTP server (and login), from claim to recorded outcome.

- Sent over at most `mail_connections_per_server` connections, one message after another.
- Leases renewed every third of `mail_lease_seconds` until the outcomes are recorded, so a slow
  server never lets a claim run out under a live worker. An email is only offered to the
  server while this worker knows its claim holds: one taken over (or whose lease could not be
  renewed in time) is handed back instead of sent.
- Each outcome is recorded as soon as it arrives (those of the process's other conversations
  arriving during a recording go together in the next one: `group_commit`), and a connection
  offers its next message only once its previous outcome is recorded: a crash leaves at most
  one sent-but-unrecorded email per conversation in flight, all the crash window can resend.
- When the server cannot be reached, refuses TLS or refuses our login, the rest of the batch is
  not offered to it. Those emails were never tried, so they are not failed: they go back to the
  queue without using an attempt and are tried again after `mail_not_tried_delay_seconds`. A
  dead server holds a consumer loop for one deadline, not one per email.
- On shutdown, emails not yet tried are handed back to the queue for the next worker at once.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from datetime import timedelta

from sqlalchemy import delete

from shared.domain import email_claims, leases
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
        self._not_tried: list[Claimed] = []  # the server had just failed: back after a delay
        self._done = asyncio.Event()  # every lane has ended: no more renewals
        self._server_failure: SendFailure | None = None
        self._record_failure: BaseException | None = None

    async def run(self) -> None:
        settings = self._deps.infra.settings
        renewing = asyncio.create_task(self._renew_leases())
        try:
            async with asyncio.TaskGroup() as lanes:
                for _ in range(min(settings.mail_connections_per_server, len(self._queue))):
                    lanes.create_task(self._lane())
        finally:
            # Each lane waited for its outcomes to be recorded: the leases can go now.
            self._done.set()
            await asyncio.gather(renewing, return_exceptions=True)
        if self._record_failure is not None:
            raise self._record_failure  # the database stayed away (logged with the email ids)
        if self._queue or self._not_ours or self._not_tried:
            await self._hand_back([*self._not_ours, *self._queue], self._not_tried)

    async def _lane(self) -> None:
        while self._queue and not self._deps.stopping.is_set() and not self._record_failure:
            item = self._queue.popleft()
            if item.email.id in self._taken_over or time.monotonic() > self._claims_hold_until:
                self._not_ours.append(item)  # never offered to the server: safe to hand back
                continue
            if self._server_failure is not None:
                self._not_tried.append(item)  # never offered either: not an attempt
                continue
            outcome = await attempt(item, self._deps)
            failure = outcome.result
            if isinstance(failure, SendFailure) and failure.at_connect:
                self._server_failure = failure
            # The next message waits for this outcome's commit: a crash now resends at most
            # the one email this conversation has in hand.
            try:
                await self._deps.recordings.submit(outcome, self._record)
            except Exception as exc:
                log.error(
                    "outcome could not be recorded: the email goes out again once its lease "
                    "runs out",
                    extra={"email_id": str(item.email.id)},
                )
                # The lanes stop offering messages: what is sent now could not be recorded.
                self._record_failure = exc
            else:
                self._unrecorded.pop(item.email.id, None)

    async def _record(self, outcomes: list[Outcome]) -> None:
        await record_outcomes(outcomes, self._deps)

    async def _renew_leases(self) -> None:
        """Every third of the lease, extend it for the emails not yet recorded, until they
        are. Never raises: a failed renewal is tried again next time, and lanes stop offering
        emails to the server once the last known lease is within a third of running out."""
        await leases.renew_periodically(
            self._renew_once, self._lease / 3, self._done, "emails in flight"
        )

    async def _renew_once(self) -> None:
        claims = [email_claims.claim_of(item.email) for item in self._unrecorded.values()]
        if not claims:
            return
        started = time.monotonic()
        async with self._deps.uow() as uow:
            still_ours = await email_claims.renew_leases(
                uow, claims, timedelta(seconds=self._lease)
            )
            await uow.commit()
        self._taken_over |= {email_id for email_id, _ in claims} - still_ours
        self._claims_hold_until = started + self._lease * 2 / 3

    async def _hand_back(self, untried: list[Claimed], server_down: list[Claimed]) -> None:
        """Emails never offered to the server go back to the queue, and their `sending` audit
        rows go (never attempted). Those untried for our own reasons (stopping, the claim in
        doubt) are announced again at once; those the server was just found dead for wait
        `mail_not_tried_delay_seconds` (the sweep announces them when due). Those taken over
        by another worker are left to it."""
        delay = timedelta(seconds=self._deps.infra.settings.mail_not_tried_delay_seconds)
        async with self._deps.uow() as uow:
            now = [(i.email, i.correlation_id) for i in untried]
            later = [(i.email, i.correlation_id) for i in server_down]
            moved = await email_claims.hand_back(uow, now)
            moved |= await email_claims.hand_back(uow, later, due_in=delay)
            audits = [item.audit_id for item in [*untried, *server_down]]
            await uow.session.execute(delete(EmailAudit).where(EmailAudit.id.in_(audits)))
            await uow.commit()
        log.info(
            "emails not tried handed back",
            extra={"emails": len(moved), "server_down": len(server_down)},
        )
