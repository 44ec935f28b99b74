"""SMTP hosts a tenant admin may not use: refused when saved, when tested, and at send time.

The suite's settings allow loopback (its SMTP sinks listen there) through
`SMTP_ALLOWED_PRIVATE_HOSTS`; these tests run with the default, an empty list.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import pytest

from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import auth_header, token_for

from .gateway import gateway_client
from .mailing import audit_rows, configure_smtp, email_row, mail_infra, mail_worker, queue_email

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

SETTINGS = "/api/v1/admin/email-settings"
PRIVATE = [
    "127.0.0.1",
    "::1",
    "0.0.0.0",  # noqa: S104 (a host to refuse, not an address to bind)
    "::ffff:127.0.0.1",
    "169.254.169.254",
    "10.0.0.5",
    "localhost",  # resolved first: 127.0.0.1
]


def _strict(infra: Infrastructure, **updates: Any) -> Infrastructure:
    settings = infra.settings.model_copy(update={"smtp_allowed_private_hosts": "", **updates})
    return dataclasses.replace(infra, settings=settings)


def _body(host: str) -> dict[str, Any]:
    return {
        "host": host,
        "port": 587,
        "security": "starttls",
        "from_email": "accounts@example.in",
        "internal_domains": ["example.in"],
    }


@pytest.mark.parametrize("host", PRIVATE)
async def test_saving_a_private_host_is_refused(
    infra: Infrastructure, tenant_id: str, host: str
) -> None:
    strict = _strict(infra)
    admin = auth_header(token_for(strict.settings, tenant_id, "admin"))
    async with gateway_client(strict) as client:
        saved = await client.put(SETTINGS, json=_body(host), headers=admin)
        tested = await client.post(
            f"{SETTINGS}/test",
            json={"to": "me@example.in", "settings": _body(host)},
            headers=admin,
        )
    assert saved.status_code == 422, saved.text
    assert saved.json()["code"] == "smtp_host_not_allowed"
    assert saved.json()["errors"][0]["field"] == "host"
    assert tested.status_code == 422, tested.text
    assert tested.json()["code"] == "smtp_host_not_allowed"
    assert tested.json()["errors"][0]["field"] == "settings.host"


async def test_the_operator_may_allow_a_private_host(infra: Infrastructure, tenant_id: str) -> None:
    allowed = _strict(infra, smtp_allowed_private_hosts="10.0.0.0/8,localhost")
    admin = auth_header(token_for(allowed.settings, tenant_id, "admin"))
    async with gateway_client(allowed) as client:
        by_network = await client.put(SETTINGS, json=_body("10.0.0.5"), headers=admin)
        by_name = await client.put(SETTINGS, json=_body("localhost"), headers=admin)
        other = await client.put(SETTINGS, json=_body("127.0.0.1"), headers=admin)
    assert (by_network.status_code, by_name.status_code) == (200, 200)
    assert other.status_code == 422


async def test_the_mail_service_checks_the_host_again_right_before_connecting(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    # Saved while allowed (or a name re-pointed since: DNS rebinding); refused at send time.
    sink = await smtp_sinks("plain")
    await configure_smtp(infra, tenant_id, sink, host="localhost")
    strict = mail_infra(_strict(infra), sink)
    email_id = await queue_email(strict, tenant_id, to=["party@example.in"])
    consumer, _ = mail_worker(strict)
    await pump(consumer)

    email = await email_row(strict, email_id)
    assert email.status == "failed"
    assert email.error is not None and "loopback, private or link-local" in email.error
    [audit] = await audit_rows(strict, email_id)
    assert audit.error_class == "host_not_allowed"
    assert sink.connection_count == 0


async def test_an_allowed_name_is_connected_to_at_the_address_checked(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    await configure_smtp(infra, tenant_id, sink, host="localhost")
    allowed = mail_infra(_strict(infra, smtp_allowed_private_hosts="localhost"), sink)
    email_id = await queue_email(allowed, tenant_id, to=["party@example.in"])
    consumer, _ = mail_worker(allowed)
    await pump(consumer)

    assert (await email_row(allowed, email_id)).status == "sent"
    assert len(await sink.wait_for_messages(1)) == 1
