"""The thin pipeline end to end through the four services started as real processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.infra.settings import Settings
from tests.conftest import make_settings

from .stack import SERVICES, Stack, export_ledger_csv

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
    download = await export_ledger_csv(stack, correlation_id="e2e-thin-pipeline")
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
