"""asyncpg's `fetchval`/`fetchrow` over a session's connection, for report SQL written for a
raw asyncpg connection (`$1` parameters) that a request also runs inside its own transaction.

Through SQLAlchemy, not around it: a connection that dies mid-query is invalidated by the pool
and the error is a `DBAPIError` the gateway answers as 503, whereas a query on the raw driver
connection would leave the pool holding a broken connection it never heard about.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession


class SessionQueries:
    """The two asyncpg reads a report's email values need, on `session`'s connection (the
    asyncpg dialect's parameter style is asyncpg's own, so the SQL passes unchanged)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def fetchval(self, query: str, *args: Any) -> Any:
        connection = await self._session.connection()
        return (await connection.exec_driver_sql(query, args)).scalar()

    async def fetchrow(self, query: str, *args: Any) -> Any:
        connection = await self._session.connection()
        return (await connection.exec_driver_sql(query, args)).first()
