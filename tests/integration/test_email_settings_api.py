"""The admin SMTP settings API through the in-process gateway, against the real database."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from typing import Any
from unittest.mock import ANY

import httpx
import pytest

from shared.infra.crypto import SecretBox
from shared.infra.db.models import EmailSettings
from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, create_tenant, token_for

from .gateway import gateway_client

SETTINGS = "/api/v1/admin/email-settings"

TENANT = "/api/v1/admin/tenant"


def settings_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "host": "smtp.example.in",
        "port": 587,
        "security": "starttls",
        "username": "mailer@example.in",
        "from_email": "accounts@example.in",
        "from_name": "Acme Accounts",
        "reply_to": "help@example.in",
        "internal_domains": ["example.in"],
    }
    body.update(overrides)
    return body


def new_password() -> str:
    return f"pw-{secrets.token_urlsafe(12)}"


def admin_headers(
    infra: Infrastructure, tenant_id: str, user_id: str = "admin-1"
) -> dict[str, str]:
    return auth_header(token_for(infra.settings, tenant_id, "admin", user_id=user_id))


async def stored_row(infra: Infrastructure, tenant_id: str) -> EmailSettings | None:
    async with infra.sessions() as session:
        return await session.get(EmailSettings, tenant_id)


def assert_secret_absent(response: httpx.Response, password: str) -> None:
    assert password not in response.text
    assert all(password not in value for value in response.headers.values())


async def test_users_are_refused(infra: Infrastructure, tenant_id: str) -> None:
    user = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        read = await client.get(SETTINGS, headers=user)
        write = await client.put(SETTINGS, json=settings_body(), headers=user)
    assert (read.status_code, write.status_code) == (403, 403)
    assert read.headers["content-type"] == "application/problem+json"
    assert await stored_row(infra, tenant_id) is None


async def test_not_configured_is_404(infra: Infrastructure, tenant_id: str) -> None:
    async with gateway_client(infra) as client:
        response = await client.get(SETTINGS, headers=admin_headers(infra, tenant_id))
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "SMTP is not configured yet"


async def test_put_then_get_round_trip_without_the_password(
    infra: Infrastructure, tenant_id: str
) -> None:
    password = new_password()
    headers = admin_headers(infra, tenant_id, user_id="admin-42")
    async with gateway_client(infra) as client:
        saved = await client.put(SETTINGS, json=settings_body(password=password), headers=headers)
        read = await client.get(SETTINGS, headers=headers)
    assert saved.status_code == 200, saved.text
    assert read.status_code == 200
    for response in (saved, read):
        assert_secret_absent(response, password)
        assert "password" not in response.json()
    body = read.json()
    assert body == saved.json()
    assert body["has_password"] is True
    assert body["host"] == "smtp.example.in"
    assert (body["port"], body["security"]) == (587, "starttls")
    assert body["username"] == "mailer@example.in"
    assert (body["from_email"], body["from_name"]) == ("accounts@example.in", "Acme Accounts")
    assert body["reply_to"] == "help@example.in"
    # Defaults of the fields the body left out.
    assert body["timeout_seconds"] == 30
    assert body["max_attachment_mb"] == 10
    assert body["link_ttl_days"] == 7
    assert body["delivery"] == {"csv": "attach", "xlsx": "link", "pdf": "link"}
    assert body["internal_domains"] == ["example.in"]
    assert body["updated_by"] == "admin-42"
    assert body["updated_at"]
    assert body["warnings"] == []
    row = await stored_row(infra, tenant_id)
    assert row is not None and row.password_encrypted is not None
    assert password not in row.password_encrypted


async def test_password_omitted_keeps_null_clears_string_replaces(
    infra: Infrastructure, tenant_id: str
) -> None:
    box = SecretBox(infra.settings.encryption_key_list)
    first, second = new_password(), new_password()
    headers = admin_headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        await client.put(SETTINGS, json=settings_body(password=first), headers=headers)

        # Kept while the server stays the same (changing it needs the password again).
        kept = await client.put(SETTINGS, json=settings_body(timeout_seconds=45), headers=headers)
        assert kept.json()["has_password"] is True
        row = await stored_row(infra, tenant_id)
        assert row is not None and row.password_encrypted is not None
        assert box.decrypt(row.password_encrypted) == first
        assert row.timeout_seconds == 45

        replaced = await client.put(SETTINGS, json=settings_body(password=second), headers=headers)
        assert replaced.json()["has_password"] is True
        row = await stored_row(infra, tenant_id)
        assert row is not None and row.password_encrypted is not None
        assert box.decrypt(row.password_encrypted) == second

        cleared = await client.put(SETTINGS, json=settings_body(password=None), headers=headers)
        assert cleared.json()["has_password"] is False
        row = await stored_row(infra, tenant_id)
        assert row is not None and row.password_encrypted is None
        assert (await client.get(SETTINGS, headers=headers)).json()["has_password"] is False


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"host": "smtp://smtp.example.in"}, "host"),
        ({"host": "smtp.example.in:587"}, "host"),
        ({"host": "smtp example.in"}, "host"),
        ({"host": ""}, "host"),
        ({"port": 0}, "port"),
        ({"port": 70000}, "port"),
        ({"security": "tls"}, "security"),
        ({"from_email": "not-an-address"}, "from_email"),
        ({"from_email": '"Boss" <boss@example.in>'}, "from_email"),
        ({"reply_to": "help@example.in\r\nBcc: x@evil.com"}, "reply_to"),
        ({"from_name": "Accounts\r\nBcc: x@evil.com"}, "from_name"),
        ({"username": "mailer\nX-Injected: 1"}, "username"),
        ({"max_attachment_mb": 26}, "max_attachment_mb"),
        ({"max_attachment_mb": 0}, "max_attachment_mb"),
        ({"timeout_seconds": 121}, "timeout_seconds"),
        ({"link_ttl_days": 31}, "link_ttl_days"),
        ({"internal_domains": ["example.in", "not a domain"]}, "internal_domains.1"),
        ({"internal_domains": ["localhost"]}, "internal_domains.0"),
        ({"delivery": {"csv": "fax"}}, "delivery.csv"),
        ({"delivery": {"docx": "attach"}}, "delivery.docx"),
        ({"password": ""}, "password"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_each_invalid_field_is_named(
    infra: Infrastructure, tenant_id: str, overrides: dict[str, Any], field: str
) -> None:
    password = new_password()
    body = {"password": password, **settings_body(**overrides)}
    async with gateway_client(infra) as client:
        response = await client.put(SETTINGS, json=body, headers=admin_headers(infra, tenant_id))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert_secret_absent(response, password)
    assert await stored_row(infra, tenant_id) is None  # nothing half-saved


async def test_all_bad_fields_are_reported_together(infra: Infrastructure, tenant_id: str) -> None:
    body = settings_body(host="x:1", from_email="nope", internal_domains=["ok.in", "-bad.in"])
    async with gateway_client(infra) as client:
        response = await client.put(SETTINGS, json=body, headers=admin_headers(infra, tenant_id))
    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert fields == ["host", "from_email", "internal_domains.1"]


@pytest.mark.parametrize(
    ("security", "port", "warning"),
    [
        ("ssl", 587, "port 587 usually expects STARTTLS, not implicit TLS"),
        ("starttls", 465, "port 465 usually expects implicit TLS (ssl), not STARTTLS"),
    ],
)
async def test_unusual_port_and_security_are_accepted_with_a_warning(
    infra: Infrastructure, tenant_id: str, security: str, port: int, warning: str
) -> None:
    headers = admin_headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        saved = await client.put(
            SETTINGS, json=settings_body(security=security, port=port), headers=headers
        )
        read = await client.get(SETTINGS, headers=headers)
    assert saved.status_code == 200
    assert saved.json()["warnings"] == [warning]
    assert read.json()["warnings"] == [warning]


@pytest.mark.parametrize(
    "change",
    [
        {"host": "listener.attacker.example"},
        {"port": 2525},
        {"username": "someone-else@example.in"},
        {"security": "ssl", "port": 465},
    ],
)
async def test_a_changed_server_needs_the_password_again(
    infra: Infrastructure, tenant_id: str, change: dict[str, Any]
) -> None:
    # Otherwise the stored password would follow the settings to any listener.
    password = new_password()
    headers = admin_headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        await client.put(SETTINGS, json=settings_body(password=password), headers=headers)
        refused = await client.put(SETTINGS, json=settings_body(**change), headers=headers)
        retyped = await client.put(
            SETTINGS, json=settings_body(**change, password=password), headers=headers
        )
    assert refused.status_code == 409, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "password_required"
    assert refused.json()["errors"] == [
        {"field": "password", "code": "password_required", "message": ANY}
    ]
    assert retyped.status_code == 200
    row = await stored_row(infra, tenant_id)
    assert row is not None and all(getattr(row, k) == v for k, v in change.items())


async def test_a_login_over_an_unencrypted_connection_is_refused(
    infra: Infrastructure, tenant_id: str
) -> None:
    body = settings_body(security="none", port=25, password=new_password())
    async with gateway_client(infra) as client:
        saved = await client.put(SETTINGS, json=body, headers=admin_headers(infra, tenant_id))
        without_login = await client.put(
            SETTINGS,
            json=settings_body(security="none", port=25, username=None, password=None),
            headers=admin_headers(infra, tenant_id),
        )
    assert saved.status_code == 422
    assert saved.json()["code"] == "unencrypted_login"
    assert saved.json()["errors"][0]["field"] == "security"
    assert without_login.status_code == 200  # no login, nothing to overhear


async def test_a_loopback_server_may_take_an_unencrypted_login_in_development(
    infra: Infrastructure, tenant_id: str
) -> None:
    development = dataclasses.replace(
        infra, settings=infra.settings.model_copy(update={"app_env": "development"})
    )
    body = settings_body(host="127.0.0.1", security="none", port=1025, password=new_password())
    async with gateway_client(development) as client:
        saved = await client.put(SETTINGS, json=body, headers=admin_headers(infra, tenant_id))
    assert saved.status_code == 200, saved.text
    assert any("unencrypted" in warning for warning in saved.json()["warnings"])


async def test_values_are_normalized(infra: Infrastructure, tenant_id: str) -> None:
    body = settings_body(
        host="SMTP.Example.IN.",
        from_email="Accounts@Example.IN",
        reply_to="",
        from_name="  Acme Accounts  ",
        username="",
        internal_domains=["Company.COM", "b\u00fccher.de", "company.com.", "XN--BCHER-KVA.DE"],
        delivery={"pdf": "attach"},
    )
    headers = admin_headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        saved = await client.put(SETTINGS, json=body, headers=headers)
        tenant = await client.get(TENANT, headers=headers)
    assert saved.status_code == 200, saved.text
    result = saved.json()
    assert result["host"] == "smtp.example.in"
    assert result["from_email"] == "Accounts@example.in"  # the local part is kept as given
    assert (result["reply_to"], result["username"]) == (None, None)
    assert result["from_name"] == "Acme Accounts"
    assert result["internal_domains"] == ["company.com", "xn--bcher-kva.de"]
    assert result["delivery"] == {"csv": "attach", "xlsx": "link", "pdf": "attach"}
    assert tenant.json()["internal_domains"] == ["company.com", "xn--bcher-kva.de"]


async def test_another_tenants_admin_sees_only_their_own(
    infra: Infrastructure, tenant_id: str
) -> None:
    other = await create_tenant(infra.uow())
    mine, theirs = admin_headers(infra, tenant_id), admin_headers(infra, other)
    async with gateway_client(infra) as client:
        assert (await client.put(SETTINGS, json=settings_body(), headers=mine)).status_code == 200
        outsider = await client.get(SETTINGS, headers=theirs)
        assert outsider.status_code == 404
        assert "smtp.example.in" not in outsider.text

        theirs_saved = await client.put(
            SETTINGS,
            json=settings_body(host="mail.other.in", internal_domains=["other.in"]),
            headers=theirs,
        )
        assert theirs_saved.status_code == 200
        read_mine = await client.get(SETTINGS, headers=mine)
    assert read_mine.json()["host"] == "smtp.example.in"
    assert read_mine.json()["internal_domains"] == ["example.in"]


async def test_the_password_is_never_logged(
    infra: Infrastructure, tenant_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # SQL statements and their parameters too: the plaintext must never reach the database.
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")
    password = new_password()
    headers = admin_headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        await client.put(SETTINGS, json=settings_body(password=password), headers=headers)
        await client.put(SETTINGS, json=settings_body(password=password, port=0), headers=headers)
        await client.put(
            SETTINGS, json=settings_body(password=password, from_email="x"), headers=headers
        )
        await client.get(SETTINGS, headers=headers)
    # The capture really saw the gateway's log lines and the SQL with its parameters.
    assert "smtp settings saved" in caplog.text
    assert "INSERT INTO email_settings" in caplog.text
    assert password not in caplog.text
    for record in caplog.records:
        assert password not in str(vars(record))
