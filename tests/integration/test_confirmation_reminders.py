"""Reminders to parties that did not answer: after N days, at most M, never twice for one
due date (two sweeps at once or a double click), only while the link works; the email goes
out through the mail-service in the party's language with the same link."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from shared.domain import emails
from shared.domain.confirmations.reminders import send_due_reminders
from shared.infra.db.models import BalanceConfirmation, Email, EmailBounce, Tenant
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, token_for

from .confirming import answer, ask, party_with_balance, row
from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory


async def _asked_days_ago(infra: Infrastructure, confirmation_id: uuid.UUID, days: int) -> None:
    async with infra.uow() as uow:
        await uow.session.execute(
            update(BalanceConfirmation)
            .where(BalanceConfirmation.id == confirmation_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )
        await uow.commit()


async def _reminder_emails(infra: Infrastructure, tenant_id: str) -> list[Email]:
    async with infra.uow() as uow:
        rows = await uow.session.scalars(
            select(Email).where(Email.tenant_id == tenant_id).order_by(Email.created_at)
        )
        return list(rows)


async def test_a_silent_party_is_reminded_after_n_days_at_most_m_times(
    infra: Infrastructure, tenant_id: str
) -> None:
    infra = dataclasses.replace(
        infra,
        settings=infra.settings.model_copy(
            update={"confirmation_reminder_after_days": 7, "confirmation_max_reminders": 2}
        ),
    )
    await party_with_balance(infra, tenant_id)
    await party_with_balance(infra, tenant_id, "Arora Stores")
    silent, path = await ask(infra, tenant_id)
    answered, answered_path = await ask(infra, tenant_id, ledger="Arora Stores")
    async with gateway_client(infra) as client:
        assert (await answer(client, answered_path, {"answer": "confirmed"})).status_code == 303
    now = datetime.now(UTC)
    remind = send_due_reminders

    assert await remind(infra.uow, infra.settings, now, tenant_id=tenant_id) == []  # too soon
    await _asked_days_ago(infra, silent, 8)
    await _asked_days_ago(infra, answered, 8)
    # Two sweeps at once (two scheduler replicas): one reminder between them.
    both = await asyncio.gather(
        remind(infra.uow, infra.settings, now, tenant_id=tenant_id),
        remind(infra.uow, infra.settings, now, tenant_id=tenant_id),
    )
    assert sorted(both, key=len) == [[], [silent]]
    assert await remind(infra.uow, infra.settings, now, tenant_id=tenant_id) == []
    assert (await row(infra, silent)).reminders_sent == 1
    # Counted from the last reminder: 7 days later the second, then never a third.
    later = now + timedelta(days=6)
    assert await remind(infra.uow, infra.settings, later, tenant_id=tenant_id) == []
    later = now + timedelta(days=7, minutes=1)
    assert await remind(infra.uow, infra.settings, later, tenant_id=tenant_id) == [silent]
    latest = now + timedelta(days=20)
    assert await remind(infra.uow, infra.settings, latest, tenant_id=tenant_id) == []
    confirmation = await row(infra, silent)
    assert confirmation.reminders_sent == 2 and confirmation.last_reminded_at == later

    sent = await _reminder_emails(infra, tenant_id)
    assert len(sent) == 2
    assert sent[0].subject == "स्मरणपत्र: 30-06-2025 रोजीच्या शिल्लकेची पुष्टी"
    assert sent[0].to_addresses == ["hishob@ganesh.in"]
    assert "पुष्टी आम्हाला अद्याप मिळालेली नाही" in sent[0].body and path in sent[0].body
    assert "₹12,34,567.00 नावे" in sent[0].body


async def test_an_expired_link_gets_no_reminder(infra: Infrastructure, tenant_id: str) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, _ = await ask(infra, tenant_id)
    await _asked_days_ago(infra, confirmation_id, 40)
    now = datetime.now(UTC)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(BalanceConfirmation)
            .where(BalanceConfirmation.id == confirmation_id)
            .values(expires_at=now - timedelta(seconds=1))
        )
        await uow.commit()
    assert await send_due_reminders(infra.uow, infra.settings, now, tenant_id=tenant_id) == []


async def test_the_admins_button_reminds_once_and_the_reminder_reaches_the_party(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await party_with_balance(infra, tenant_id)
    confirmation_id, path = await ask(infra, tenant_id)
    await _asked_days_ago(infra, confirmation_id, 30)
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        refused = await client.post("/api/v1/confirmations/reminders", json={}, headers=user)
        first = await client.post("/api/v1/confirmations/reminders", json={}, headers=admin)
        second = await client.post("/api/v1/confirmations/reminders", json={}, headers=admin)
    assert refused.status_code == 403
    assert first.status_code == 202 and first.json()["reminded"] == 1
    assert first.json()["confirmation_ids"] == [str(confirmation_id)]
    assert second.json() == {"reminded": 0, "confirmation_ids": []}

    await pump(mail_worker(infra)[0])
    [received] = await sink.wait_for_messages(1)
    assert received.rcpt_tos == ("hishob@ganesh.in",)
    assert received.message["Subject"] == "स्मरणपत्र: 30-06-2025 रोजीच्या शिल्लकेची पुष्टी"
    text = str(received.message.get_body(preferencelist=("plain",)).get_content())
    assert path in text


async def test_a_party_whose_address_bounced_is_not_reminded_there(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, _ = await ask(infra, tenant_id)  # To: hishob@ganesh.in
    async with infra.uow() as uow:
        statement = emails.create_email(
            uow,
            emails.NewEmail(
                tenant_id=tenant_id,
                requested_by="user@test",
                trigger="manual",
                subject="Statement",
                body="...",
                to=["hishob@ganesh.in"],
            ),
            message_domain="example.in",
        )
        await uow.session.flush()
        uow.session.add(
            EmailBounce(
                id=uuid.uuid4(),
                tenant_id=tenant_id,
                email_id=statement.id,
                address="hishob@ganesh.in",
                status_code="5.1.1",
                diagnostic="550 5.1.1 no such user",
            )
        )
        await uow.commit()
    await _asked_days_ago(infra, confirmation_id, 8)
    now = datetime.now(UTC)
    assert await send_due_reminders(infra.uow, infra.settings, now, tenant_id=tenant_id) == []
    confirmation = await row(infra, confirmation_id)
    # Not reminded (nothing would arrive), and not looked at again for N days.
    assert confirmation.reminders_sent == 0 and confirmation.last_reminded_at == now
    assert [e.subject for e in await _reminder_emails(infra, tenant_id)] == ["Statement"]


async def test_a_disabled_companys_parties_are_not_reminded(
    infra: Infrastructure, tenant_id: str
) -> None:
    await party_with_balance(infra, tenant_id)
    confirmation_id, _ = await ask(infra, tenant_id)
    await _asked_days_ago(infra, confirmation_id, 8)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(disabled_at=datetime.now(UTC))
        )
        await uow.commit()
    # The scheduler's sweep (every tenant's): this one is passed over.
    swept = await send_due_reminders(infra.uow, infra.settings, datetime.now(UTC))
    assert confirmation_id not in swept
    assert (await row(infra, confirmation_id)).reminders_sent == 0
