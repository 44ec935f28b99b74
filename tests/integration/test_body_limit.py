"""Request bodies are capped as they stream in: 413 problem+json, never a 100 MB parse."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from api_gateway.app import create_app

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

from .mailing import mail_infra

EXPORTS = "/api/v1/exports/jobs"
IMPORT = "/api/v1/party-emails/import"
CHUNK = 64 * 1024
LIMIT = 256 * 1024


def client_for(infra: Infrastructure) -> httpx.AsyncClient:
    app = create_app(infra.settings, infra=infra)
    # A real server would answer 500 for an app error: so do we here, rather than raise.
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://gateway")


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "body_too_large"
    assert response.headers["x-correlation-id"]


async def test_a_declared_length_over_the_cap_is_refused(
    infra: Infrastructure, tenant_id: str
) -> None:
    capped = mail_infra(infra, gateway_max_body_bytes=LIMIT)
    user = auth_header(token_for(infra.settings, tenant_id))
    padding = "x" * (LIMIT + 1)
    async with client_for(capped) as client:
        big = await client.post(EXPORTS, json={"report": "ledger", "pad": padding}, headers=user)
        small = await client.post(EXPORTS, json={"report": "nope"}, headers=user)
    assert_too_large(big)
    assert small.status_code == 422  # under the cap the route reads and validates it


@pytest.mark.parametrize("path", [EXPORTS, "/api/v1/reports/ledger/email", "/api/v1/schedules"])
async def test_a_streamed_body_is_cut_once_past_the_cap(
    infra: Infrastructure, tenant_id: str, path: str
) -> None:
    capped = mail_infra(infra, gateway_max_body_bytes=LIMIT)
    user = auth_header(token_for(infra.settings, tenant_id))
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:  # 100 MB if read to the end
        nonlocal sent
        yield b'{"report": "ledger", "pad": "'
        for _ in range(100 * 1024 * 1024 // CHUNK):
            sent += CHUNK
            yield b"x" * CHUNK
        yield b'"}'

    async with client_for(capped) as client:
        # No Content-Length (chunked): the cap is enforced while reading.
        response = await client.post(
            path, content=chunks(), headers={**user, "Content-Type": "application/json"}
        )
    assert_too_large(response)
    assert sent <= LIMIT + 2 * CHUNK  # stopped reading at the cap, not at the end


async def test_the_csv_import_keeps_its_own_larger_limit(
    infra: Infrastructure, tenant_id: str
) -> None:
    capped = mail_infra(infra, gateway_max_body_bytes=LIMIT)
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    header = b"ledger_name,party_name,to,cc,bcc\r\n"
    rows = b"".join(b"L%06d,,p%06d@party.in,,\r\n" % (n, n) for n in range(10_000))
    assert LIMIT < len(header + rows) < 2 * 1024 * 1024
    async with client_for(capped) as client:
        response = await client.post(
            IMPORT, content=header + rows, headers={**admin, "Content-Type": "text/csv"}
        )
        over = await client.post(
            IMPORT,
            content=b"x" * (3 * 1024 * 1024),
            headers={**admin, "Content-Type": "text/csv"},
        )
    assert response.status_code == 200, response.text
    assert response.json()["created"] == 10_000
    assert over.status_code == 413
