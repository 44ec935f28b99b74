"""A tiny HTTP server for workers: `/healthz`, `/readyz` and `/metrics` on a port of their own.

Workers have no web framework of their own; a few lines of asyncio keep their probes
independent of the consumer loop and free of a second signal-handling runtime.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable

from shared.infra import metrics

log = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[dict[str, str]]]
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class HealthServer:
    def __init__(self, host: str, port: int, readiness: ReadinessCheck) -> None:
        self._host = host
        self._port = port
        self._readiness = readiness
        self.bound_port: int | None = None

    async def serve(self, stop: asyncio.Event) -> None:
        server = await asyncio.start_server(self._on_client, self._host, self._port)
        self.bound_port = server.sockets[0].getsockname()[1]
        log.info("health endpoints listening", extra={"port": self.bound_port})
        async with server:
            await stop.wait()

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), timeout=5)
            while (await asyncio.wait_for(reader.readline(), timeout=5)) not in (
                b"\r\n",
                b"\n",
                b"",
            ):
                pass  # headers are not needed
            parts = request_line.decode("latin-1").split()
            method, path = (parts[0], parts[1]) if len(parts) >= 2 else ("", "")
            status, content_type, body = await self._route(method, path.split("?")[0])
            head = (
                f"HTTP/1.1 {status} {_REASONS.get(status, '')}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _route(self, method: str, path: str) -> tuple[int, str, bytes]:
        if method != "GET":
            return 405, "text/plain", b"method not allowed\n"
        if path == "/healthz":
            return 200, "application/json", b'{"status":"ok"}'
        if path == "/readyz":
            checks = await self._readiness()
            ready = all(v == "ok" for v in checks.values())
            body = json.dumps({"status": "ready" if ready else "unavailable", "checks": checks})
            return (200 if ready else 503), "application/json", body.encode()
        if path == "/metrics":
            exposition, content_type = metrics.render_latest()
            return 200, content_type, exposition
        return 404, "text/plain", b"not found\n"
