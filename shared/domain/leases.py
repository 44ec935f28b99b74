"""Leased work: rows that wait in one status, are worked on under a lease in another, and are
announced again when they look lost. Export jobs and emails are both such rows.

The same four rules hold for both, and live here once:
- a worker claims a row that waits, or one whose worker's lease ran out (it crashed, or was
  killed mid-work): `claimable`;
- no one else touches a row while a live lease holds it: `not_held`;
- the reconcile sweep announces again rows waiting with no fresh announcement (the event was
  lost, say to a Redis wipe) and rows whose lease ran out: `reannounce`;
- a live worker keeps its lease for as long as the work takes, renewing it every third of the
  lease while it works (`renew`, run in the background by `renew_periodically`, or around one
  piece of work by `lease_kept`). A claim is the pair (row id, attempt number): claiming
  increments `attempts`, so a worker whose row was taken over renews nothing.
What differs stays with the caller: when a waiting row is ready (an email's retry falls due)
and when its announcement counts as stale.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, or_, select, true, tuple_, update
from sqlalchemy.orm import InstrumentedAttribute

from shared.events import Event
from shared.infra.db import UnitOfWork

log = logging.getLogger(__name__)

Row = TypeVar("Row")
Claim = tuple[uuid.UUID, int]  # (row id, the attempt number it was claimed with)


@dataclass(frozen=True)
class LeasedWork(Generic[Row]):
    """Where a table keeps its work's status and lease, and which statuses mean what."""

    model: type[Row]
    id: InstrumentedAttribute[Any]
    status: InstrumentedAttribute[Any]
    lease_expires_at: InstrumentedAttribute[Any]
    announced_at: InstrumentedAttribute[Any]
    created_at: InstrumentedAttribute[Any]
    attempts: InstrumentedAttribute[Any]
    waiting: StrEnum
    working: StrEnum

    def lease_lapsed(self, now: datetime) -> Any:
        """Being worked on, but the worker's lease ran out: the worker is gone."""
        return and_(self.status == self.working, self.lease_expires_at < now)

    def not_held(self, now: datetime) -> Any:
        """No live worker holds the row."""
        return or_(self.status != self.working, self.lease_expires_at < now)

    def claimable(self, now: datetime, ready: Any = None) -> Any:
        """Waiting (and `ready`, when the caller adds a condition), or lost by its worker."""
        waiting = self.status == self.waiting
        return or_(and_(waiting, ready if ready is not None else true()), self.lease_lapsed(now))

    def held_by(self, claims: Collection[Claim]) -> Any:
        """Still being worked on under one of these claims (not taken over since)."""
        return and_(tuple_(self.id, self.attempts).in_(list(claims)), self.status == self.working)

    async def exhausted(
        self, uow: UnitOfWork, row_id: uuid.UUID, max_attempts: int, now: datetime
    ) -> Row | None:
        """The row, locked, when it would be claimable but has had `max_attempts` attempts
        (the caller fails it with its last reason); None otherwise."""
        row: Row | None = await uow.session.scalar(
            select(self.model)
            .where(self.id == row_id, self.claimable(now), self.attempts >= max_attempts)
            .with_for_update(skip_locked=True)
        )
        return row

    async def renew(
        self, uow: UnitOfWork, claims: Collection[Claim], lease: timedelta
    ) -> set[uuid.UUID]:
        """Extend the lease of the rows these claims still hold; returns their ids (the others
        were taken over: not ours to finish any more). Caller commits."""
        renewed = await uow.session.scalars(
            update(self.model)
            .where(self.held_by(claims))
            .values({self.lease_expires_at: datetime.now(UTC) + lease})
            .returning(self.id)
            .execution_options(synchronize_session=False)
        )
        return set(renewed)

    async def reannounce(
        self,
        uow: UnitOfWork,
        *,
        waiting_too_long: Any,
        now: datetime,
        announce: Callable[[Row], Event],
        limit: int,
    ) -> int:
        """Announce again the rows that look lost, oldest first, skipping rows another sweep
        has locked; each gets `announced_at = now`. Caller commits; returns how many."""
        lost = (
            select(self.id)
            .where(or_(and_(self.status == self.waiting, waiting_too_long), self.lease_lapsed(now)))
            .order_by(self.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        announced = await uow.session.scalars(
            update(self.model)
            .where(self.id.in_(lost))
            .values({self.announced_at: now})
            .returning(self.model)
        )
        count = 0
        for row in announced:
            uow.publish(announce(row))
            count += 1
        return count


async def renew_periodically(
    renew: Callable[[], Awaitable[object]], every: float, stop: asyncio.Event, what: str
) -> None:
    """Call `renew` every `every` seconds until `stop` is set. Never raises: a failed renewal
    is logged (naming `what`) and tried again at the next turn, while the lease still runs."""
    while not stop.is_set():
        await until_set(stop, at_most=every)
        if stop.is_set():
            return
        try:
            await renew()
        except Exception:
            log.exception("renewing the lease of %s failed", what)


@asynccontextmanager
async def lease_kept(
    work: LeasedWork[Any],
    uow: Callable[[], UnitOfWork],
    claim: Claim,
    lease: timedelta,
) -> AsyncIterator[None]:
    """Keep one row's lease for as long as the block runs (the work it guards), renewing it
    every third of the lease. Once the row is found taken over, renewals stop: the work's
    outcome will be fenced out by its attempt number anyway."""
    stop = asyncio.Event()

    async def renew_once() -> None:
        async with uow() as work_uow:
            held = await work.renew(work_uow, [claim], lease)
            await work_uow.commit()
        if not held:
            log.warning("lease lost to another worker", extra={"row_id": str(claim[0])})
            stop.set()

    renewing = asyncio.create_task(
        renew_periodically(renew_once, lease.total_seconds() / 3, stop, f"row {claim[0]}")
    )
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(renewing, return_exceptions=True)


async def until_set(*events: asyncio.Event, at_most: float | None = None) -> None:
    """Return once any of `events` is set, or after `at_most` seconds."""
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=at_most, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        await asyncio.gather(*waiters, return_exceptions=True)
