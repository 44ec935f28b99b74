"""The unit of work: one transaction that changes rows and records the events announcing them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import Event, encode_event
from shared.infra.db.models import OutboxMessage

# Channel the outbox relay LISTENs on; NOTIFY is transactional, so it fires only on commit.
OUTBOX_CHANNEL = "outbox"
# Many events in one statement, and the relay's wake-up in the same round trip (NOTIFY is
# transactional: it fires on commit, and once however often it is repeated).
_INSERT_OUTBOX = text(
    "WITH recorded AS (INSERT INTO outbox (stream, payload) "
    "SELECT stream, CAST(payload AS jsonb) FROM unnest(CAST(:streams AS varchar[]), "
    "CAST(:payloads AS text[])) WITH ORDINALITY AS e(stream, payload, n) ORDER BY n) "
    "SELECT pg_notify(:channel, '')"
)


class UnitOfWork:
    """`async with uow:` opens a session; `publish()` queues events; `commit()` writes both at once.

    Leaving the block without `commit()` rolls everything back, events included: an event
    can never announce a change that did not happen.
    """

    def __init__(
        self, session_factory: async_sessionmaker[AsyncSession], stream_prefix: str = ""
    ) -> None:
        self._session_factory = session_factory
        # Rows store the full stream key, so any relay delivers them where this producer meant.
        self._stream_prefix = stream_prefix
        self._session: AsyncSession | None = None
        self._published = False

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self._published = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session, self._session = self.session, None
        # close() rolls back anything uncommitted but, unlike rollback(), leaves the objects
        # read in this unit loaded: callers may read them after the block.
        await session.close()

    def publish(self, event: Event) -> None:
        """Record `event` in the outbox, inside this transaction."""
        stream = self._stream_prefix + event.stream
        self.session.add(OutboxMessage(stream=stream, payload=encode_event(event)))
        self._published = True

    async def publish_all(self, events: Sequence[Event]) -> None:
        """Record many events in the outbox with one statement (a burst's worth, in the order
        given), inside this transaction; `publish()` one by one costs a row object each."""
        if not events:
            return
        await self.session.execute(
            _INSERT_OUTBOX,
            {
                "streams": [self._stream_prefix + event.stream for event in events],
                "payloads": [json.dumps(encode_event(event)) for event in events],
                "channel": OUTBOX_CHANNEL,
            },
        )

    async def commit(self) -> None:
        if self._published:
            await self.session.execute(
                text("SELECT pg_notify(:channel, '')"), {"channel": OUTBOX_CHANNEL}
            )
            self._published = False
        await self.session.commit()
