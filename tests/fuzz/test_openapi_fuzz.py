"""Schemathesis fuzzes every operation of the gateway's OpenAPI document, with every check.

The gateway runs as it does in production (uvicorn, its lifespan's outbox relay) on the real
PostgreSQL and Redis, with a mail worker and an SMTP test server so the test-email button
gets its verdict. The fuzzer is the CLI, configured by `schemathesis.toml` beside this file
(fixed seed, bounded examples per operation); its JSON report is read back and summed up.
The target is zero failures: the document is what a host application generates its client
from, so every status, content type and schema it promises must be what the API does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from api_gateway.__main__ import _GracefulServer, server_config
from api_gateway.app import create_app

from shared.infra.bus import OutboxRelay
from shared.infra.runtime import Infrastructure
from shared.infra.tokens import Scope, mint_service_token
from tests.conftest import wait_until
from tests.factories import create_ledger, create_tenant, random_tenant_id, token_for
from tests.integration.mailing import configure_smtp, mail_infra, mail_worker
from tests.integration.test_access_log import free_port
from tests.smtp_kit.fixtures import SinkFactory

HERE = Path(__file__).parent
CONFIG = HERE / "schemathesis.toml"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# The whole run's bound: a hung request must not hang `make test`.
RUN_TIMEOUT_SECONDS = 600
SERVICE_SCOPES: tuple[Scope, ...] = ("tenants:write", "books:write", "books:read")


@contextlib.asynccontextmanager
async def served_gateway(infra: Infrastructure) -> AsyncIterator[str]:
    """The gateway on a free loopback port, plus the mail worker the test button waits for."""
    server = _GracefulServer(server_config(infra.settings, create_app(infra.settings, infra)))
    stop = asyncio.Event()
    consumer, _ = mail_worker(infra)
    tasks = [
        asyncio.create_task(server.serve()),
        asyncio.create_task(consumer.run(stop)),
        asyncio.create_task(OutboxRelay(infra.engine, infra.redis, infra.settings).run(stop)),
    ]

    async def started() -> bool:
        return bool(server.started)

    try:
        await wait_until(started, timeout=10, what="uvicorn listening")
        yield f"http://127.0.0.1:{infra.settings.gateway_port}"
    finally:
        server.should_exit = True
        stop.set()
        await asyncio.gather(*tasks)


async def seed_books(infra: Infrastructure, tenant_id: str) -> None:
    """A ledger with entries, so report and lookup operations find something."""
    await create_ledger(
        infra.uow(),
        tenant_id,
        entries=[
            (date(2025, 4, 2), Decimal("500.00"), Decimal("0")),
            (date(2025, 4, 9), Decimal("0"), Decimal("200.00")),
        ],
    )


async def run_schemathesis(base_url: str, env: dict[str, str], report: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "--config-file",
        str(CONFIG),
        "run",
        f"{base_url}/openapi.json",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, **env},
    )
    async with asyncio.timeout(RUN_TIMEOUT_SECONDS):
        output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


def failures_of(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(operation, failure code) of every failure in schemathesis's JSON report."""
    return {
        (operation, f"{failure['code']} {failure['title']}")
        for failure in report["failures"]
        for operation in failure["operations"]
    }


def figures(report: dict[str, Any]) -> str:
    cases = report["test_cases"]
    return (
        f"schemathesis {report['schemathesis_version']}, seed {report['seed']}: "
        f"{report['operations']['tested']} of {report['operations']['total']} operations, "
        f"{cases['generated']} test cases, {cases['unique_failures']} unique failures, "
        f"{report['running_time']:.1f} s"
    )


async def test_every_operation_keeps_the_promises_of_the_openapi_document(
    infra: Infrastructure,
    smtp_sinks: SinkFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sink = await smtp_sinks("plain")
    served = mail_infra(
        infra,
        sink,
        gateway_host="127.0.0.1",
        gateway_port=free_port(),
        bus_block_ms=100,
        # Tally uploads wait there for an export-service this test does not run.
        import_dir=tmp_path / "imports",
    )
    tenant_id = await create_tenant(served.uow())
    await seed_books(served, tenant_id)
    await configure_smtp(served, tenant_id, sink)
    env = {
        "FUZZ_TOKEN": token_for(served.settings, tenant_id, "admin"),
        "FUZZ_SERVICE_TOKEN": mint_service_token(
            served.settings, service_id="fuzz-host", scopes=SERVICE_SCOPES
        ),
        "FUZZ_TENANT": tenant_id,
        "FUZZ_HOST_TENANT": random_tenant_id(),
        "FUZZ_SMTP_HOST": sink.host,
        "FUZZ_SMTP_PORT": str(sink.port),
    }
    path = tmp_path / "schemathesis.json"
    async with served_gateway(served) as base_url:
        exit_code, output = await run_schemathesis(base_url, env, path)
    assert path.exists(), output
    report = json.loads(path.read_text())
    with capsys.disabled():  # the figures show in every `make test`, passed or not
        print("\n" + figures(report))
    assert report["complete"] and report["operations"]["errored"] == 0, output
    assert report["operations"]["tested"] == report["operations"]["total"], output
    failures = sorted(failures_of(report))
    assert not failures, "\n".join([*map(" ".join, failures), output])
    assert exit_code == 0, output
