"""Service tokens and sync calls for the host application's tests."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import httpx

from shared.domain.reports.ledger_source import LedgerFigures, canonical_ledger, ledger_figures
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.infra.tokens import Scope, mint_service_token
from tests.factories import auth_header

ALL_SCOPES: tuple[Scope, ...] = ("tenants:write", "books:write", "books:read")


def service_headers(settings: Settings, *scopes: Scope) -> dict[str, str]:
    token = mint_service_token(settings, service_id="host-app", scopes=scopes or ALL_SCOPES)
    return auth_header(token)


def ndjson(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode()


async def sync(
    client: httpx.AsyncClient,
    settings: Settings,
    tenant_id: str,
    kind: str,
    rows: list[dict[str, Any]],
) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/tenants/{tenant_id}/books/{kind}",
        content=ndjson(rows),
        headers={**service_headers(settings), "Content-Type": "application/x-ndjson"},
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def provision(client: httpx.AsyncClient, settings: Settings, **fields: Any) -> str:
    tenant_id = f"host-{uuid.uuid4().hex[:8]}"
    body = {"name": "श्री गणेश ट्रेडर्स", "internal_domains": ["ganesh.example"], **fields}
    response = await client.put(
        f"/api/v1/tenants/{tenant_id}", json=body, headers=service_headers(settings)
    )
    assert response.status_code == 201, response.text
    return tenant_id


async def statement_figures(
    infra: Infrastructure, tenant_id: str, ledger: str, from_date: date, to_date: date
) -> LedgerFigures:
    """The statement's opening balance and totals for the tenant's ledger of that name."""
    async with infra.engine.connect() as sa_conn:
        raw: Any = await sa_conn.get_raw_connection()
        found = await canonical_ledger(raw.driver_connection, tenant_id, ledger)
        assert found is not None, ledger
        return await ledger_figures(raw.driver_connection, found, from_date, to_date)
