"""Process entry points: settings, logging and connections, with plain-language start-up errors."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable

from pydantic import ValidationError

from shared.infra.db import DatabaseUnavailableError
from shared.infra.logging import configure_logging
from shared.infra.python_version import warn_if_python_unpatched
from shared.infra.runtime import Infrastructure, RedisUnavailableError, Worker, run_worker
from shared.infra.settings import Settings, get_settings

log = logging.getLogger(__name__)

EXIT_CONFIG = 2
EXIT_UNAVAILABLE = 3


def load_settings_or_exit(service: str) -> Settings:
    try:
        settings = get_settings()
    except ValidationError as exc:
        messages = "; ".join(str(err["msg"]) for err in exc.errors())
        print(f"{service}: configuration error: {messages}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None
    configure_logging(service, settings.log_level, settings.log_format)
    warn_if_python_unpatched()
    return settings


async def connect_or_exit(settings: Settings) -> Infrastructure:
    """Connect, or log one plain line naming the server and setting to fix, and exit 3."""
    try:
        return await Infrastructure.connect(settings)
    except (DatabaseUnavailableError, RedisUnavailableError) as exc:
        log.error("%s", exc)
        raise SystemExit(EXIT_UNAVAILABLE) from None


def run_worker_service(service: str, build: Callable[[Infrastructure], Worker]) -> None:
    settings = load_settings_or_exit(service)

    async def main() -> None:
        infra = await connect_or_exit(settings)
        try:
            await run_worker(build(infra))
        finally:
            await infra.close()

    asyncio.run(main())
