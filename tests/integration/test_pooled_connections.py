"""Pooled connections the server closed (a restart, an idle-session kill) are replaced when
taken from the pool, without a round trip per checkout to find out."""

from __future__ import annotations

import asyncio

import asyncpg
from sqlalchemy import text

from shared.infra.db import asyncpg_dsn
from shared.infra.runtime import Infrastructure


async def test_connections_the_server_closed_are_replaced_before_use(
    infra: Infrastructure,
) -> None:
    async with infra.engine.connect() as conn:
        before = await conn.scalar(text("SELECT pg_backend_pid()"))
    killer = await asyncpg.connect(asyncpg_dsn(infra.settings.database_url))
    try:
        killed = await killer.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await killer.close()
    assert killed >= 1
    await asyncio.sleep(0.3)  # the event loop reads each socket's end
    for _ in range(3):
        async with infra.uow() as uow:
            after = await uow.session.scalar(text("SELECT pg_backend_pid()"))
            await uow.commit()
        assert after != before
