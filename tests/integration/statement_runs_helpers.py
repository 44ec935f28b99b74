"""Books and a party directory for statement run tests: a group of debtors, each with its own
situation (emailed, no email, zero balance, an address the SMTP server refuses)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import update

from shared.infra.db.models import Ledger, PartyEmail
from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, create_ledger, token_for

from .gateway import gateway_client

RUNS = "/api/v1/statement-runs"
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-06-30"}
REFUSED = "accounts@dev-agencies.in"  # the SMTP test server answers 550 for it

# name: (opening, entries, directory entry or None)
DEBTORS: dict[str, tuple[Decimal, list[tuple[date, Decimal, Decimal]], dict[str, Any] | None]] = {
    "Arora Stores": (
        Decimal("1000.00"),
        [(date(2025, 4, 10), Decimal("2500.00"), Decimal("0"))],
        {"to": ["accounts@arora.in"], "cc": ["owner@arora.in"]},
    ),
    "Bharat Traders": (Decimal("750.00"), [], None),
    "Chawla & Sons": (
        Decimal("0"),
        [
            (date(2025, 5, 2), Decimal("500.00"), Decimal("0")),
            (date(2025, 5, 20), Decimal("0"), Decimal("500.00")),
        ],
        {"to": ["hisab@chawla.in"]},
    ),
    "Dev Agencies": (
        Decimal("-300.00"),
        [(date(2025, 6, 1), Decimal("0"), Decimal("200.00"))],
        {"to": [REFUSED]},
    ),
    "श्री गणेश ट्रेडर्स": (
        Decimal("5000.00"),
        [(date(2025, 4, 15), Decimal("1234.00"), Decimal("0"))],
        {"to": ["hishob@ganesh.in"], "language": "mr"},
    ),
}


def admin(infra: Infrastructure, tenant_id: str) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin", user_id="admin-1"))


async def debtors_with_directory(infra: Infrastructure, tenant_id: str) -> None:
    """The debtors above, a ledger of another group, and their directory entries."""
    for name, (opening, entries, _) in DEBTORS.items():
        await create_ledger(infra.uow(), tenant_id, name, opening, entries=entries)
    async with infra.uow() as uow:
        uow.session.add(
            Ledger(
                tenant_id=tenant_id,
                name="Sales Account",
                group_name="Sales Accounts",
                opening_balance=Decimal("0"),
                opening_date=date(2025, 4, 1),
            )
        )
        await uow.commit()
    async with gateway_client(infra) as client:
        for name, (_, _, entry) in DEBTORS.items():
            if entry is not None:
                await _add_entry(client, admin(infra, tenant_id), name, entry)


async def _add_entry(
    client: httpx.AsyncClient, headers: dict[str, str], ledger: str, entry: dict[str, Any]
) -> None:
    response = await client.post(
        "/api/v1/party-emails", json={"ledger_name": ledger, **entry}, headers=headers
    )
    assert response.status_code == 201, response.text


async def correct_address(infra: Infrastructure, tenant_id: str, ledger: str, to: str) -> None:
    async with infra.uow() as uow:
        await uow.session.execute(
            update(PartyEmail)
            .where(PartyEmail.tenant_id == tenant_id, PartyEmail.ledger_name == ledger)
            .values(to_addresses=[to])
        )
        await uow.commit()
