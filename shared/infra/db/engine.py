"""Engine, sessions and the database bootstrap (create the database when it is missing)."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as AsyncSession

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0


class DatabaseUnavailableError(RuntimeError):
    """PostgreSQL cannot be reached; the message names the server and what to do."""


def asyncpg_dsn(database_url: str, database: str | None = None) -> str:
    """The plain `postgresql://` DSN asyncpg wants, optionally for another database."""
    url = make_url(database_url).set(drivername="postgresql")
    if database is not None:
        url = url.set(database=database)
    return url.render_as_string(hide_password=False)


def describe_server(database_url: str) -> str:
    url = make_url(database_url)
    return f"{url.host or 'localhost'}:{url.port or 5432} as {url.username or 'postgres'}"


async def ensure_database(database_url: str) -> bool:
    """Create the database named in `database_url` when it does not exist; True when created."""
    name = make_url(database_url).database
    if not name:
        raise DatabaseUnavailableError(f"DATABASE_URL names no database: {database_url!r}")
    try:
        conn = await asyncpg.connect(
            asyncpg_dsn(database_url, "postgres"), timeout=CONNECT_TIMEOUT_SECONDS
        )
    except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
        raise DatabaseUnavailableError(
            f"cannot reach PostgreSQL at {describe_server(database_url)}: {exc}. "
            "Start PostgreSQL or point DATABASE_URL at a running server."
        ) from exc
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            return False
        # Identifiers cannot be bound parameters; quote it the way PostgreSQL does.
        quoted = '"' + name.replace('"', '""') + '"'
        try:
            await conn.execute(f"CREATE DATABASE {quoted}")
        except asyncpg.DuplicateDatabaseError:
            return False  # another process won the race
        log.info("created database", extra={"database": name})
        return True
    finally:
        await conn.close()


def create_engine(
    database_url: str, pool_size: int = 10, pool_timeout: float = 30.0
) -> AsyncEngine:
    """A pool of `pool_size` connections plus as many overflow; a caller that waits longer
    than `pool_timeout` for one gets sqlalchemy.exc.TimeoutError (the gateway: 503)."""
    engine = create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=pool_timeout,
        connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    return engine


def _refuse_closed_connection(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """A pooled connection the server closed (a restart, an idle-session kill) is replaced
    before use: the event loop has seen its socket end, so asking costs no round trip, where
    `pool_pre_ping` cost three on every checkout (BEGIN, an empty query, ROLLBACK)."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("PostgreSQL closed this pooled connection")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
