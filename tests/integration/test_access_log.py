"""Request logs name the route's template: a public file link's token never reaches a log."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Awaitable, Callable

import httpx
import pytest
from api_gateway.__main__ import _GracefulServer, server_config
from api_gateway.app import create_app

from shared.infra.runtime import Infrastructure
from tests.conftest import wait_until

from .mailing import mail_infra

SECRET_TOKEN = "v1.secret-link-token-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _started(server: _GracefulServer) -> Callable[[], Awaitable[bool]]:
    async def started() -> bool:
        return bool(server.started)

    return started


async def test_file_link_tokens_never_reach_the_logs(
    infra: Infrastructure, caplog: pytest.LogCaptureFixture
) -> None:
    served = mail_infra(infra, gateway_host="127.0.0.1", gateway_port=free_port())
    settings = served.settings
    # The gateway's real server set-up, uvicorn's own loggers included.
    server = _GracefulServer(server_config(settings, create_app(settings, served)))
    caplog.set_level(logging.INFO)
    serving = asyncio.create_task(server.serve())
    try:
        base = f"http://127.0.0.1:{settings.gateway_port}"
        async with httpx.AsyncClient(base_url=base, timeout=10) as client:
            await wait_until(_started(server), timeout=10, what="uvicorn listening")
            link = await client.get(f"/api/v1/files/{SECRET_TOKEN}?x={SECRET_TOKEN}")
            typo = await client.get(f"/api/v1/file/{SECRET_TOKEN}")
    finally:
        server.should_exit = True
        await serving
    assert link.status_code == 404 and typo.status_code == 404
    # Everything the server side logged (the test's own HTTP client logs its requests).
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    logged = [record.getMessage() + repr(vars(record)) for record in server_side]
    assert not [line for line in logged if SECRET_TOKEN in line]
    access = [r for r in caplog.records if r.name == "api_gateway.access"]
    assert [r.getMessage() for r in access] == [
        "GET /api/v1/files/{token} 404",
        "GET unmatched 404",
    ]
    assert all(r.name != "uvicorn.access" for r in caplog.records)
