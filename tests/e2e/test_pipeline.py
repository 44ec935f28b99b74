"""The thin pipeline end to end through the four services started as real processes."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from tests.conftest import make_settings
from tests.factories import auth_header, create_ledger, create_tenant, token_for

from .stack import SERVICES, Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(test_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("stack")
    running = Stack(settings=make_settings(test_database_url, root / "exports"), log_dir=root)
    running.start()
    try:
        with httpx.Client(timeout=5) as client:
            running.wait_ready(client)
        yield running
    finally:
        running.stop()


async def test_ledger_csv_export_end_to_end(stack: Stack) -> None:
    infra = await Infrastructure.connect(stack.settings)
    try:
        tenant = await create_tenant(infra.uow())
        ledger = await create_ledger(
            infra.uow(), tenant, entries=[(date(2025, 4, 2), Decimal("42.00"), Decimal("0"))]
        )
    finally:
        await infra.close()
    headers = {
        **auth_header(token_for(stack.settings, tenant)),
        "X-Correlation-ID": "e2e-thin-pipeline",
    }
    body = {
        "report": "ledger",
        "format": "csv",
        "params": {"ledger": ledger, "from_date": "2025-04-01", "to_date": "2025-04-30"},
    }
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        created = await client.post("/api/v1/exports/jobs", json=body, headers=headers)
        assert created.status_code == 202, created.text
        job_url = created.headers["location"]

        deadline = time.monotonic() + 30
        job = created.json()
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"job still {job['status']}"
            job = (await client.get(job_url, headers=headers)).json()
        assert job["status"] == "succeeded", job

        download = await client.get(job["download_url"], headers=headers)
    assert download.status_code == 200
    assert "2025-04-02,Sales,V/00000" in download.text
    assert Path(stack.settings.export_dir).is_dir()
    # The correlation id followed the request into the export-service's log lines.
    assert '"correlation_id": "e2e-thin-pipeline"' in stack.log("export-service")


def test_every_service_answers_health_and_metrics(stack: Stack) -> None:
    with httpx.Client(timeout=5) as client:
        for service in SERVICES:
            assert client.get(f"{stack.url(service)}/healthz").status_code == 200
            ready = client.get(f"{stack.url(service)}/readyz")
            assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}
            metrics = client.get(f"{stack.url(service)}/metrics")
            assert "bus_messages_handled_total" in metrics.text or service == "api-gateway"
            assert metrics.status_code == 200


def test_services_stop_cleanly_on_sigterm(test_database_url: str, tmp_path: Path) -> None:
    settings: Settings = make_settings(test_database_url, tmp_path / "exports")
    own = Stack(settings=settings, log_dir=tmp_path)
    own.start()
    try:
        with httpx.Client(timeout=5) as client:
            own.wait_ready(client)
    finally:
        codes = own.stop()
    assert codes == dict.fromkeys(SERVICES, 0), {s: own.log(s)[-1500:] for s in SERVICES}
