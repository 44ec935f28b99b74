"""Migrations upgrade an empty database to head and downgrade it back to empty."""

from __future__ import annotations

import uuid

import asyncpg
from sqlalchemy.engine import make_url

from shared.infra.db import asyncpg_dsn
from shared.infra.db.models import Base
from shared.tools import migrate


async def _tables(database_url: str) -> set[str]:
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    finally:
        await conn.close()
    return {row["tablename"] for row in rows}


async def test_upgrade_from_empty_and_downgrade_to_empty(test_database_url: str) -> None:
    scratch = make_url(test_database_url).set(database=f"lp_migrations_{uuid.uuid4().hex[:8]}")
    url = scratch.render_as_string(hide_password=False)
    try:
        await migrate.upgrade(url)  # creates the missing database first
        assert await _tables(url) == set(Base.metadata.tables) | {"alembic_version"}

        await migrate.downgrade(url, "base")
        assert await _tables(url) == {"alembic_version"}

        await migrate.upgrade(url)  # and up again: the downgrade left nothing behind
        assert set(Base.metadata.tables) <= await _tables(url)
    finally:
        conn = await asyncpg.connect(asyncpg_dsn(url, "postgres"))
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{scratch.database}" WITH (FORCE)')
        finally:
            await conn.close()
