"""One scheduler tick in a process of its own, for the replica race test.

`python -m tests.integration.tick_once <iso now>`: settings from the environment; prints how
many schedules this process advanced.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from scheduler_service.ticker import tick

from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings


async def main(now: datetime) -> None:
    infra = await Infrastructure.connect(Settings())
    try:
        print(await tick(infra.uow, infra.settings, now))
    finally:
        await infra.close()


if __name__ == "__main__":
    asyncio.run(main(datetime.fromisoformat(sys.argv[1])))
