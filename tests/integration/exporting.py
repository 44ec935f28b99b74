"""Helpers for export tests: submit through the gateway, run the worker, fetch the result."""

from __future__ import annotations

from typing import Any

import httpx
from export_service.bootstrap import build_worker

from shared.infra.runtime import Infrastructure
from tests.conftest import Pump

JOBS = "/api/v1/exports/jobs"


async def export_and_wait(
    client: httpx.AsyncClient,
    infra: Infrastructure,
    pump: Pump,
    headers: dict[str, str],
    report: str,
    fmt: str,
    params: dict[str, Any],
    language: str | None = None,
) -> dict[str, Any]:
    """POST a job (in `language`, else the default's), drain the export worker, and return
    the job as the API shows it."""
    body = {"report": report, "format": fmt, "params": params}
    created = await client.post(
        JOBS, json=body if language is None else {**body, "language": language}, headers=headers
    )
    assert created.status_code == 202, created.text
    await pump(build_worker(infra)[0].consumer())
    job: dict[str, Any] = (await client.get(created.headers["location"], headers=headers)).json()
    return job


async def download(
    client: httpx.AsyncClient, job: dict[str, Any], headers: dict[str, str]
) -> bytes:
    assert job["status"] == "succeeded", job
    response = await client.get(job["download_url"], headers=headers)
    assert response.status_code == 200, response.text
    return response.content
