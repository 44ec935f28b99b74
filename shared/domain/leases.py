"""Leased work: rows that wait in one status, are worked on under a lease in another, and are
announced again when they look lost. Export jobs and emails are both such rows.

The same three rules hold for both, and live here once:
- a worker claims a row that waits, or one whose worker's lease ran out (it crashed, or was
  killed mid-work): `claimable`;
- no one else touches a row while a live lease holds it: `not_held`;
- the reconcile sweep announces again rows waiting with no fresh announcement (the event was
  lost, say to a Redis wipe) and rows whose lease ran out: `reannounce`.
What differs stays with the caller: when a waiting row is ready (an email's retry falls due)
and when its announcement counts as stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from sqlalchemy import and_, or_, select, true, update
from sqlalchemy.orm import InstrumentedAttribute

from shared.events import Event
from shared.infra.db import UnitOfWork

Row = TypeVar("Row")


@dataclass(frozen=True)
class LeasedWork(Generic[Row]):
    """Where a table keeps its work's status and lease, and which statuses mean what."""

    model: type[Row]
    id: InstrumentedAttribute[Any]
    status: InstrumentedAttribute[Any]
    lease_expires_at: InstrumentedAttribute[Any]
    announced_at: InstrumentedAttribute[Any]
    created_at: InstrumentedAttribute[Any]
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
