"""Helpers of the balance confirmation tests: a party with a balance, its link, the page's
form as a browser would post it."""

from __future__ import annotations

import re
import uuid
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

import httpx

from shared.domain.confirmations import ledger_named, request_confirmation
from shared.infra.db.models import BalanceConfirmation
from shared.infra.runtime import Infrastructure
from shared.languages import Language
from tests.factories import create_ledger

PARTY = "श्री गणेश ट्रेडर्स"
AS_OF = date(2025, 6, 30)
# Opening 1,000.00 Dr, then a sale and a receipt: 12,34,567.00 Dr at the end of June.
ENTRIES = [
    (date(2025, 4, 10), Decimal("1250000.00"), Decimal("0")),
    (date(2025, 5, 2), Decimal("0"), Decimal("16433.00")),
]
_FORM_TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


async def party_with_balance(infra: Infrastructure, tenant_id: str, name: str = PARTY) -> None:
    await create_ledger(infra.uow(), tenant_id, name, Decimal("1000.00"), entries=ENTRIES)


async def ask(
    infra: Infrastructure,
    tenant_id: str,
    *,
    ledger: str = PARTY,
    language: Language = Language.MR,
    run_id: uuid.UUID | None = None,
) -> tuple[uuid.UUID, str]:
    """A confirmation asked the way every sender asks: its id and the path of its link."""
    async with infra.uow() as uow:
        asked = await request_confirmation(
            uow.session,
            infra.settings,
            tenant_id=tenant_id,
            ledger=await ledger_named(uow.session, tenant_id, ledger),
            as_of=AS_OF,
            language=language,
            requested_by="user@test",
            to=["hishob@ganesh.in"],
            statement_run_id=run_id,
        )
        await uow.commit()
    return asked.confirmation.id, urlsplit(asked.url).path


def form_token(page: str) -> str:
    found = _FORM_TOKEN.search(page)
    assert found, page
    return found.group(1)


async def answer(
    client: httpx.AsyncClient, path: str, fields: dict[str, str], **headers: str
) -> httpx.Response:
    """Open the page (its cookie stays in the client), then post one of its forms."""
    page = await client.get(path)
    assert page.status_code == 200, page.text
    body = {"form_token": form_token(page.text), **fields}
    return await client.post(path, data=body, headers=headers)


async def row(infra: Infrastructure, confirmation_id: uuid.UUID) -> BalanceConfirmation:
    async with infra.uow() as uow:
        found = await uow.session.get(BalanceConfirmation, confirmation_id)
        assert found is not None
        return found
