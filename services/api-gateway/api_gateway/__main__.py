"""`python -m api_gateway`: serve the HTTP API with uvicorn until SIGTERM, then exit 0."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator

import uvicorn
from starlette.types import ASGIApp

from api_gateway.app import create_app
from shared.infra.entrypoint import (
    connect_or_exit,
    freeze_start_up_heap,
    load_settings_or_exit,
)
from shared.infra.runtime import Infrastructure, install_stop_signals
from shared.infra.settings import Settings


class _GracefulServer(uvicorn.Server):
    """uvicorn re-raises SIGTERM after a graceful shutdown, so the process dies by the signal
    (exit -15); supervisors read that as a crash. We handle the signal ourselves instead."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve() -> None:
    settings = load_settings_or_exit("api-gateway")
    infra = await connect_or_exit(settings)
    try:
        await _serve_with(settings, infra)
    finally:
        await infra.close()


def server_config(settings: Settings, app: ASGIApp) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=settings.gateway_host,
        port=settings.gateway_port,
        log_config=None,  # our JSON logging is already configured
        # uvicorn's access log writes the raw path, and a file link's path is its secret;
        # the app logs each request with its route template instead (http/access_log.py).
        access_log=False,
        proxy_headers=True,
    )


async def _serve_with(settings: Settings, infra: Infrastructure) -> None:
    server = _GracefulServer(server_config(settings, create_app(settings, infra)))
    freeze_start_up_heap()
    stop = asyncio.Event()
    install_stop_signals(stop)
    serving = asyncio.create_task(server.serve())
    await asyncio.wait([serving, asyncio.create_task(stop.wait())], return_when="FIRST_COMPLETED")
    server.should_exit = True
    await serving


if __name__ == "__main__":
    asyncio.run(_serve())
