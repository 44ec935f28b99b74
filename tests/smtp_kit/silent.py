"""`SilentSmtpServer`: accepts TCP connections and never sends a byte (for timeout tests)."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import Self


class SilentSmtpServer:
    """Listens on `host`:`port`, swallows whatever a client sends and never answers.

    A client waiting for the 220 greeting (or any reply) hangs until its own timeout fires.
    `connection_count` counts accepted TCP connections. Stopping closes every connection.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = 0
        self.connection_count = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._accepted: asyncio.Condition | None = None

    async def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("server already started")
        self._accepted = asyncio.Condition()
        self._server = await asyncio.start_server(self._on_client, self.host, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        for writer in list(self._writers):
            writer.close()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=5.0)
        await server.wait_closed()

    async def wait_for_connections(self, count: int, timeout: float = 5.0) -> None:
        """Wait until `count` connections were accepted; AssertionError after `timeout`."""
        if self._accepted is None:
            raise RuntimeError("server not started")
        accepted = self._accepted
        try:
            async with asyncio.timeout(timeout), accepted:
                await accepted.wait_for(lambda: self.connection_count >= count)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} connection(s); "
                f"got {self.connection_count}"
            ) from None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connection_count += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        assert self._accepted is not None
        async with self._accepted:
            self._accepted.notify_all()
        try:
            with contextlib.suppress(ConnectionError):
                while await reader.read(65536):  # until the client (or stop()) hangs up
                    pass
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            self._tasks.discard(task)
