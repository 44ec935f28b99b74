"""An in-process gateway client for integration tests (no lifespan: tests pump the bus)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from api_gateway.app import create_app

from shared.infra.runtime import Infrastructure


@asynccontextmanager
async def gateway_client(infra: Infrastructure) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(infra.settings, infra=infra)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        yield client
