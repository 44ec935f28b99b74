"""Whether a PostgreSQL or Redis answers at a URL, and the small waits around starting one.

Helpers for scripts/devstack_servers.py.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import redis
from pydantic import ValidationError

from shared.infra.settings import Settings


def configured_urls() -> tuple[str, str, set[str]]:
    """DATABASE_URL and REDIS_URL as the services would see them, and which were set explicitly."""
    try:
        settings = Settings()
        return settings.database_url, settings.redis_url, set(settings.model_fields_set)
    except ValidationError:
        # e.g. APP_ENV=production with development secrets: where the servers are still matters.
        fields = Settings.model_fields
        explicit = {k for k in ("database_url", "redis_url") if k.upper() in os.environ}
        return (
            os.environ.get("DATABASE_URL", fields["database_url"].default),
            os.environ.get("REDIS_URL", fields["redis_url"].default),
            explicit,
        )


def tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _pg_login(url: str) -> None:
    parts = urlsplit(url)
    # asyncpg wants a plain postgresql:// DSN, and the target database may not exist yet.
    dsn = urlunsplit((parts.scheme.split("+")[0], parts.netloc, "/postgres", parts.query, ""))

    async def login() -> None:
        conn = await asyncpg.connect(dsn, timeout=5)
        await conn.close()

    asyncio.run(login())


def _redis_ping(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    finally:
        client.close()


def probe(kind: str, url: str) -> str | None:
    """None when the server answers, "down" when nothing listens, else why it refused us."""
    parts = urlsplit(url)
    port = parts.port or (5432 if kind == "postgres" else 6379)
    if parts.hostname and not tcp_open(parts.hostname, port):
        return "down"
    try:
        (_pg_login if kind == "postgres" else _redis_ping)(url)
    except Exception as exc:
        # Without a host it is a unix socket, which "refused" when it simply is not there.
        return f"{type(exc).__name__}: {exc}" if parts.hostname else "down"
    return None


def wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"
