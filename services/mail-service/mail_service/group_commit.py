"""Group commit: outcomes from every batch of a mail-service process are recorded as soon as
they arrive, and those that arrive while a recording runs go together in the next one.

One transaction per outcome doubled the process's CPU per email (each commit also wakes the
outbox relay); sharing recordings across all the process's conversations keeps them few, while
no outcome waits longer than the recording already under way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

Item = TypeVar("Item")


class GroupCommit(Generic[Item]):
    def __init__(self) -> None:
        self._pending: list[tuple[Item, asyncio.Future[None]]] = []
        self._running: asyncio.Task[None] | None = None

    async def submit(self, item: Item, commit: Callable[[list[Item]], Awaitable[None]]) -> None:
        """Return once `item` is committed (by `commit`, with whatever else is waiting); raise
        what that commit raised."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, done))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain(commit))
        await done

    async def _drain(self, commit: Callable[[list[Item]], Awaitable[None]]) -> None:
        while self._pending:
            due, self._pending = self._pending, []
            try:
                await commit([item for item, _ in due])
            except Exception as exc:
                for _, done in due:
                    if not done.done():  # a waiter cancelled meanwhile wants no answer
                        done.set_exception(exc)
            else:
                for _, done in due:
                    if not done.done():
                        done.set_result(None)
