"""Shared helpers of the party directory API tests: paths, tokens, entries, CSV uploads."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from shared.infra.db.models import PartyEmail
from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

ENTRIES = "/api/v1/party-emails"
LOOKUP = f"{ENTRIES}/lookup"
IMPORT = f"{ENTRIES}/import"
EXPORT = f"{ENTRIES}/export"
LEDGERS = "/api/v1/ledgers"
HEADER = "ledger_name,party_name,to,cc,bcc"  # what an import needs (language may be left out)
EXPORT_HEADER = f"{HEADER},language"


def admin(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin"))


def user(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "user"))


def entry(ledger: str = "Sharma Traders", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ledger_name": ledger,
        "party_name": "Sharma Group",
        "to": ["accounts@sharma.in"],
        "cc": ["owner@sharma.in"],
        "bcc": [],
    }
    body.update(overrides)
    return body


def csv_body(*rows: str) -> bytes:
    return "\r\n".join([HEADER, *rows, ""]).encode()


async def post_csv(
    client: httpx.AsyncClient, headers: dict[str, str], data: bytes
) -> httpx.Response:
    return await client.post(IMPORT, content=data, headers={**headers, "Content-Type": "text/csv"})


async def stored(infra: Infrastructure, tenant_id: str) -> dict[str, PartyEmail]:
    async with infra.sessions() as session:
        rows = await session.scalars(select(PartyEmail).where(PartyEmail.tenant_id == tenant_id))
        return {row.ledger_key: row for row in rows}


def assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body
