"""The unit of work: one transaction that changes rows and records the events announcing them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared.events import Event, encode_event_text

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
        self,
        session_factory: async_sessionmaker[AsyncSession],
        stream_prefix: str = "",
        on_events_committed: Callable[[], None] | None = None,
    ) -> None:
        self._session_factory = session_factory
        # Tells this process's relay that rows are waiting, before any NOTIFY comes back.
        self._on_events_committed = on_events_committed
        self._wrote_events = False
        # Rows store the full stream key, so any relay delivers them where this producer meant.
        self._stream_prefix = stream_prefix
        self._session: AsyncSession | None = None
        self._pending: list[Event] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._session_factory()
        self._pending = []
        self._wrote_events = False
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
        """Record `event` in the outbox, inside this transaction (written at `commit()`)."""
        self._pending.append(event)

    async def publish_all(self, events: Sequence[Event]) -> None:
        """Record many events in the outbox with one statement (a burst's worth, in the order
        given, after any `publish()`ed before), inside this transaction."""
        await self._write_outbox([*self._pending, *events])
        self._pending = []

    async def _write_outbox(self, events: Sequence[Event]) -> None:
        if not events:
            return
        self._wrote_events = True
        await self.session.execute(
            _INSERT_OUTBOX,
            {
                "streams": [self._stream_prefix + event.stream for event in events],
                "payloads": [encode_event_text(event) for event in events],
                "channel": OUTBOX_CHANNEL,
            },
        )

    async def commit(self) -> None:
        # The events go in with one statement that also NOTIFYs the relays, just before the
        # COMMIT: a row object and a flush per event, then a NOTIFY of its own, cost a
        # handler about a millisecond.
        await self._write_outbox(self._pending)
        self._pending = []
        await self.session.commit()
        if self._wrote_events and self._on_events_committed is not None:
            self._on_events_committed()
        self._wrote_events = False
