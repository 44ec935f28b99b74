"""The mail API through the gateway: the SMTP test button, following an email, the audit."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from shared.infra.bus import OutboxRelay
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, create_tenant, token_for

from .gateway import gateway_client
from .mailing import SMTP_PASSWORD, SMTP_USER, configure_smtp, mail_infra, mail_worker, queue_email

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

TEST = "/api/v1/admin/email-settings/test"


@asynccontextmanager
async def running_mail_service(infra: Infrastructure) -> AsyncIterator[None]:
    """The mail consumer and an outbox relay running in the background, as in production:
    the test endpoint waits for a verdict, so nothing can be pumped by hand."""
    stop = asyncio.Event()
    consumer, _ = mail_worker(infra)
    tasks = [
        asyncio.create_task(consumer.run(stop)),
        asyncio.create_task(OutboxRelay(infra.engine, infra.redis, infra.settings).run(stop)),
    ]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


def _unsaved(sink: Any, **values: Any) -> dict[str, Any]:
    return {
        "host": sink.host,
        "port": sink.port,
        "security": {"plain": "none"}.get(sink.security, sink.security),
        "username": SMTP_USER,
        "password": SMTP_PASSWORD,
        "from_email": "reports@example.in",
        "timeout_seconds": 3,
        **values,
    }


async def test_the_test_button_sends_with_saved_settings_and_reports_the_reply(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("starttls", auth=(SMTP_USER, SMTP_PASSWORD))
    infra = mail_infra(infra, sink, bus_block_ms=100)
    await configure_smtp(infra, tenant_id, sink)
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    async with running_mail_service(infra), gateway_client(infra) as client:
        response = await client.post(TEST, json={"to": "me@example.in"}, headers=admin)
    result = response.json()
    assert response.status_code == 200, result
    assert (result["ok"], result["status"], result["smtp_code"]) == (True, "sent", 250)
    [received] = await sink.wait_for_messages(1)
    assert received.rcpt_tos == ("me@example.in",)
    assert received.message["Subject"] == "LedgerPost test email"
    async with gateway_client(infra) as client:
        audit = (await client.get("/api/v1/email-audit?trigger=test", headers=admin)).json()
    assert [(a["trigger"], a["status"]) for a in audit["items"]] == [("test", "sent")]


async def test_the_test_button_explains_failures_in_plain_words(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("ssl", auth=(SMTP_USER, SMTP_PASSWORD))
    infra = mail_infra(infra, sink, bus_block_ms=100)
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    cases = {
        "auth": _unsaved(sink, password="wrong-password"),
        "connection_refused": _unsaved(sink, port=1),
        "dns": _unsaved(sink, host="no-such-host.invalid"),
        "tls": _unsaved(sink, security="starttls"),  # an implicit-TLS port spoken to in clear
    }
    results = {}
    async with running_mail_service(infra), gateway_client(infra) as client:
        for name, unsaved in cases.items():
            response = await client.post(
                TEST, json={"to": "me@example.in", "settings": unsaved}, headers=admin
            )
            assert response.status_code == 200, response.text
            results[name] = response.json()
        audit = (await client.get("/api/v1/email-audit?trigger=test", headers=admin)).json()
    assert results["auth"]["reason"] == "the server rejected the username or password"
    assert results["connection_refused"]["reason"] == f"{sink.host}:1 refused the connection"
    assert "could not be found (DNS)" in results["dns"]["reason"]
    assert not any(r["ok"] for r in results.values())
    classes = {name: r["error_class"] for name, r in results.items()}
    assert classes["auth"] == "auth"
    assert classes["connection_refused"] == "connection_refused"
    assert classes["dns"] == "dns"
    assert classes["tls"] in ("tls", "timeout", "disconnected")
    assert len(audit["items"]) == len(cases)  # every test writes an audit row
    assert SMTP_PASSWORD not in str(results) + str(audit)
    assert sink.messages == []


async def test_the_test_button_needs_settings_and_an_admin(
    infra: Infrastructure, tenant_id: str
) -> None:
    async with gateway_client(infra) as client:
        user = auth_header(token_for(infra.settings, tenant_id))
        admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
        forbidden = await client.post(TEST, json={"to": "me@example.in"}, headers=user)
        unconfigured = await client.post(TEST, json={"to": "me@example.in"}, headers=admin)
        bad_address = await client.post(TEST, json={"to": "not an address"}, headers=admin)
    assert forbidden.status_code == 403
    assert unconfigured.status_code == 409
    assert unconfigured.json()["code"] == "smtp_not_configured"
    assert unconfigured.json()["errors"][0]["field"] == "settings"
    assert bad_address.status_code == 422
    assert bad_address.json()["errors"][0]["field"] == "to"


async def test_emails_and_audit_are_scoped_and_filterable(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", refuse_recipients={"gone@example.in"})
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    sent = await queue_email(infra, tenant_id, to=["party@example.in"])
    failed = await queue_email(infra, tenant_id, to=["gone@example.in"])
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    owner = auth_header(token_for(infra.settings, tenant_id, user_id="u1"))
    other_user = auth_header(token_for(infra.settings, tenant_id, user_id="u2"))
    outsider = auth_header(token_for(infra.settings, await create_tenant(infra.uow()), "admin"))
    async with gateway_client(infra) as client:
        email = (await client.get(f"/api/v1/emails/{sent}", headers=owner)).json()
        failure = (await client.get(f"/api/v1/emails/{failed}", headers=owner)).json()
        hidden = await client.get(f"/api/v1/emails/{sent}", headers=other_user)
        foreign = await client.get(f"/api/v1/emails/{sent}", headers=outsider)
        by_status = (await client.get("/api/v1/email-audit?status=failed", headers=owner)).json()
        by_recipient = (
            await client.get("/api/v1/email-audit?recipient=PARTY@example.in", headers=owner)
        ).json()
        page_one = (await client.get("/api/v1/email-audit?limit=1", headers=owner)).json()
        page_two = (
            await client.get(
                f"/api/v1/email-audit?limit=1&cursor={page_one['next_cursor']}", headers=owner
            )
        ).json()
        none_for_u2 = (await client.get("/api/v1/email-audit", headers=other_user)).json()
        bad_cursor = await client.get("/api/v1/email-audit?cursor=zzz", headers=owner)
    assert (email["status"], email["attempts"]) == ("sent", 1)
    assert failure["status"] == "failed" and "refused" in failure["error"]
    assert (hidden.status_code, foreign.status_code) == (404, 404)
    assert [a["email_id"] for a in by_status["items"]] == [str(failed)]
    assert [a["email_id"] for a in by_recipient["items"]] == [str(sent)]
    assert len(page_one["items"]) == len(page_two["items"]) == 1
    assert page_one["items"][0]["id"] != page_two["items"][0]["id"]
    assert page_two["next_cursor"] is None
    assert none_for_u2["items"] == []
    assert bad_cursor.status_code == 422


async def test_the_stored_password_is_never_offered_to_another_server(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", auth=(SMTP_USER, SMTP_PASSWORD))
    await configure_smtp(infra, tenant_id, sink)  # stores SMTP_PASSWORD for this host
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    elsewhere = _unsaved(sink, host="mail.attacker.example")
    del elsewhere["password"]  # "use the stored one"
    unsafe_name = _unsaved(sink, from_name="Accounts\r\nBcc: spy@evil.example")
    async with gateway_client(infra) as client:
        refused = await client.post(
            TEST, json={"to": "me@example.in", "settings": elsewhere}, headers=admin
        )
        injected = await client.post(
            TEST, json={"to": "me@example.in", "settings": unsafe_name}, headers=admin
        )
    assert refused.status_code == 409
    assert refused.json()["code"] == "password_required"
    assert refused.json()["errors"][0]["field"] == "settings.password"
    assert injected.status_code == 422
    assert injected.json()["errors"][0]["field"] == "settings.from_name"


async def test_the_stored_password_never_follows_a_change_of_security(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("starttls", auth=(SMTP_USER, SMTP_PASSWORD))
    await configure_smtp(infra, tenant_id, sink)  # saved with starttls and the password
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    downgraded = _unsaved(sink, security="none")
    del downgraded["password"]  # "use the stored one", now in cleartext
    async with gateway_client(infra) as client:
        refused = await client.post(
            TEST, json={"to": "me@example.in", "settings": downgraded}, headers=admin
        )
    assert refused.status_code == 409
    assert refused.json()["code"] == "password_required"
    assert refused.json()["errors"][0]["field"] == "settings.password"
    assert sink.messages == []


async def test_a_login_in_cleartext_is_refused_even_with_the_password_typed(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", auth=(SMTP_USER, SMTP_PASSWORD))
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    async with gateway_client(infra) as client:
        refused = await client.post(
            TEST, json={"to": "me@example.in", "settings": _unsaved(sink)}, headers=admin
        )
    assert refused.status_code == 422
    assert refused.json()["code"] == "unencrypted_login"
    assert refused.json()["errors"][0]["field"] == "settings.security"


async def test_the_test_button_says_when_the_server_offers_no_login(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")  # no AUTH advertised
    # A cleartext login to loopback is allowed in development only.
    infra = mail_infra(infra, sink, bus_block_ms=100, app_env="development")
    admin = auth_header(token_for(infra.settings, tenant_id, "admin"))
    async with running_mail_service(infra), gateway_client(infra) as client:
        response = await client.post(
            TEST, json={"to": "me@example.in", "settings": _unsaved(sink)}, headers=admin
        )
    result = response.json()
    assert response.status_code == 200, result
    assert (result["ok"], result["error_class"]) == (False, "auth_unsupported")
    assert "does not offer a login (no AUTH)" in result["reason"]
