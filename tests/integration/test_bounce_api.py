"""Recipients' statuses through the API: an email, the audit and the party directory show who
was accepted, refused by our server, or bounced (read from a real IMAP server)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.imap_kit import bounces as shapes
from tests.imap_kit.server import ImapServer

from .bounce_helpers import configure_mailbox, mailbox_infra, scan_now
from .gateway import gateway_client
from .mailing import configure_smtp, email_row, mail_worker, queue_email
from .test_email_settings_api import admin_headers

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

ACCEPTED = "accounts@sharma-traders.example"
REFUSED = "gone@sharma-traders.example"
BOUNCED = "Owner@Sharma-Traders.example"


def by_address(recipients: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["address"]: r for r in recipients}


async def test_email_audit_and_directory_show_each_recipient_s_status(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    imap_server: ImapServer,
    imap_folder: str,
) -> None:
    infra = mailbox_infra(infra, imap_server)
    sink = await smtp_sinks("plain", refuse_recipients=[REFUSED])
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, to=[ACCEPTED, REFUSED], cc=[BOUNCED])
    await queue_email(infra, tenant_id, to=[ACCEPTED])  # sent, never bounced
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    assert email.status == "sent"
    admin = admin_headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        entry = await client.post(
            "/api/v1/party-emails",
            json={"ledger_name": "Sharma Traders", "to": [ACCEPTED], "cc": [BOUNCED]},
            headers=admin,
        )
        assert entry.status_code == 201, entry.text
        assert entry.json()["bounced"] == []
        before = by_address(
            (await client.get(f"/api/v1/emails/{email_id}", headers=admin)).json()["recipients"]
        )
        assert {a: r["status"] for a, r in before.items()} == {
            ACCEPTED: "accepted",
            REFUSED: "refused",
            BOUNCED: "accepted",
        }
        assert before[REFUSED]["status_code"] == "550" and before[REFUSED]["kind"] == "to"

        await configure_mailbox(infra, tenant_id, imap_server, imap_folder)
        imap_server.append(
            imap_folder, shapes.outlook(email.message_id, "reports@example.in", BOUNCED, [ACCEPTED])
        )
        assert await scan_now(deps, tenant_id) == 1

        after = by_address(
            (await client.get(f"/api/v1/emails/{email_id}", headers=admin)).json()["recipients"]
        )
        assert after[BOUNCED]["status"] == "bounced" and after[BOUNCED]["kind"] == "cc"
        assert after[BOUNCED]["status_code"] == "5.1.10"
        assert "RecipientNotFound" in after[BOUNCED]["diagnostic"]
        assert after[BOUNCED]["bounced_at"] is not None
        assert after[ACCEPTED]["status"] == "accepted"

        audit = (await client.get("/api/v1/email-audit", headers=admin)).json()["items"]
        assert len(audit) == 2
        [attempt] = [row for row in audit if row["email_id"] == str(email_id)]
        statuses = {r["address"]: r["status"] for r in attempt["recipients"]}
        assert statuses == {ACCEPTED: "accepted", REFUSED: "refused", BOUNCED: "bounced"}

        only_bounced = await client.get(
            "/api/v1/email-audit", params={"only_bounced": "true"}, headers=admin
        )
        assert [r["email_id"] for r in only_bounced.json()["items"]] == [str(email_id)]

        listed = (await client.get("/api/v1/party-emails", headers=admin)).json()["items"]
        [flagged] = listed
        assert [b["address"] for b in flagged["bounced"]] == [BOUNCED.lower()]
        assert flagged["bounced"][0]["status_code"] == "5.1.10"
        assert flagged["bounced"][0]["email_id"] == str(email_id)
        looked_up = await client.get(
            "/api/v1/party-emails/lookup", params={"ledger": "Sharma Traders"}, headers=admin
        )
        assert [b["address"] for b in looked_up.json()["bounced"]] == [BOUNCED.lower()]
        mailbox = (await client.get("/api/v1/admin/mailbox-settings", headers=admin)).json()
        assert (mailbox["bounces_recorded"], mailbox["last_uid"]) == (1, 1)


async def test_an_email_refused_for_every_recipient_shows_each_refused(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", refuse_recipients=[REFUSED, ACCEPTED])
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id, to=[REFUSED], cc=[ACCEPTED])
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    async with gateway_client(infra) as client:
        shown = await client.get(
            f"/api/v1/emails/{email_id}", headers=admin_headers(infra, tenant_id)
        )
    body = shown.json()
    assert body["status"] == "failed"
    assert {r["address"]: r["status"] for r in body["recipients"]} == {
        REFUSED: "refused",
        ACCEPTED: "refused",
    }
    assert all("every recipient was refused" in r["diagnostic"] for r in body["recipients"])
