"""Asking for a confirmation: a ledger email with `confirm_balance` carries the link in the
party's language, through the template's `{confirmation_request}` or after a typed message;
asking again for the same balance reuses the confirmation."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from export_service.bootstrap import build_worker as build_export_worker

from shared.infra.db.models import Email
from shared.infra.runtime import Infrastructure
from shared.states import ConfirmationStatus
from tests.conftest import Pump
from tests.factories import auth_header, token_for

from .confirming import PARTY, ask, party_with_balance, row
from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

LEDGER_SEND = "/api/v1/reports/ledger/email"
PERIOD = {"from_date": "2025-04-01", "to_date": "2025-06-30"}
_LINK = re.compile(r"https?://\S+/confirm/[A-Za-z0-9_-]+")


def _text(message: Any) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


async def test_a_statement_email_asks_the_marathi_party_to_confirm_with_a_working_link(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await party_with_balance(infra, tenant_id)
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        entry = {"ledger_name": PARTY, "to": ["hishob@ganesh.in"], "language": "mr"}
        assert (await client.post("/api/v1/party-emails", json=entry, headers=admin)).is_success
        sent = await client.post(
            LEDGER_SEND, json={"ledger": PARTY, **PERIOD, "confirm_balance": True}, headers=user
        )
        assert sent.status_code == 202, sent.text
        confirmation_id = sent.json()["confirmation_id"]
        assert confirmation_id is not None

        await pump(build_export_worker(infra)[0].consumer(), mail_worker(infra)[0])
        [received] = await sink.wait_for_messages(1)
        text = _text(received.message)
        assert "कृपया ही शिल्लक बरोबर असल्याची पुष्टी करावी" in text
        # The request sits in the letter, before its closing, as the template places it.
        assert text.index("पुष्टी करावी") < text.index("आपले विश्वासू")
        [link] = _LINK.findall(text)
        page = await client.get(urlsplit(link).path)
    assert page.status_code == 200 and "₹12,34,567.00 नावे" in page.text
    confirmation = await row(infra, confirmation_id)
    assert str(confirmation.email_id) == sent.json()["email_id"]
    assert confirmation.to_addresses == ["hishob@ganesh.in"]
    assert confirmation.status == ConfirmationStatus.NO_REPLY
    assert str(confirmation.balance) == "1234567.00" and confirmation.language == "mr"


async def test_a_typed_message_still_carries_the_request_and_without_it_no_link(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    user = auth_header(token_for(infra.settings, tenant_id))
    body = {"ledger": PARTY, **PERIOD, "to": ["a@ganesh.in"], "language": "en"}
    async with gateway_client(infra) as client:
        typed = await client.post(
            LEDGER_SEND,
            json={**body, "message": "See attached {sic}.", "confirm_balance": True},
            headers=user,
        )
        plain = await client.post(LEDGER_SEND, json=body, headers=user)
    assert typed.status_code == 202 and plain.status_code == 202
    assert plain.json()["confirmation_id"] is None
    async with infra.uow() as uow:
        typed_row = await uow.session.get(Email, typed.json()["email_id"])
        plain_row = await uow.session.get(Email, plain.json()["email_id"])
    assert typed_row is not None and plain_row is not None
    assert typed_row.body.startswith("See attached {{sic}}.\n\nPlease confirm this balance")
    assert "/confirm/" not in plain_row.body and "Please confirm" not in plain_row.body


async def test_asking_again_for_the_same_balance_reuses_the_confirmation(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    first, first_path = await ask(infra, tenant_id)
    again, again_path = await ask(infra, tenant_id)
    assert (first, first_path) == (again, again_path)
