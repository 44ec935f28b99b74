"""The admin mailbox (IMAP) settings API and its test button, against a real IMAP server."""

from __future__ import annotations

from typing import Any

from shared.infra.crypto import SecretBox
from shared.infra.db.models import MailboxSettings
from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for
from tests.imap_kit.server import ImapServer

from .bounce_helpers import mailbox_infra
from .gateway import gateway_client
from .mailing import mail_infra
from .test_email_settings_api import admin_headers, assert_secret_absent

SETTINGS = "/api/v1/admin/mailbox-settings"
TEST = f"{SETTINGS}/test"


def mailbox_body(server: ImapServer, folder: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "host": "localhost",
        "port": server.port,
        "security": "starttls",
        "username": server.user,
        "password": server.password,
        "folder": folder,
        "timeout_seconds": 10,
    }
    body.update(overrides)
    return body


async def stored(infra: Infrastructure, tenant_id: str) -> MailboxSettings | None:
    async with infra.sessions() as session:
        return await session.get(MailboxSettings, tenant_id)


async def test_saved_password_is_encrypted_write_only_and_bound_to_its_server(
    infra: Infrastructure, tenant_id: str, imap_server: ImapServer, imap_folder: str
) -> None:
    infra = mailbox_infra(infra, imap_server)
    admin = admin_headers(infra, tenant_id)
    body = mailbox_body(imap_server, imap_folder)
    async with gateway_client(infra) as client:
        assert (await client.get(SETTINGS, headers=admin)).status_code == 404
        user = auth_header(token_for(infra.settings, tenant_id))
        assert (await client.put(SETTINGS, json=body, headers=user)).status_code == 403
        saved = await client.put(SETTINGS, json=body, headers=admin)
        assert saved.status_code == 200, saved.text
        assert_secret_absent(saved, imap_server.password)
        shown = (await client.get(SETTINGS, headers=admin)).json()
        assert shown["has_password"] is True and "password" not in shown
        assert (shown["folder"], shown["last_uid"], shown["bounces_recorded"]) == (
            imap_folder,
            0,
            0,
        )
        row = await stored(infra, tenant_id)
        assert row is not None and row.password_encrypted is not None
        assert imap_server.password not in row.password_encrypted
        box = SecretBox(infra.settings.encryption_key_list)
        assert box.decrypt(row.password_encrypted) == imap_server.password

        # Omitted keeps it, for the same server only.
        without = {k: v for k, v in body.items() if k != "password"}
        assert (await client.put(SETTINGS, json=without, headers=admin)).status_code == 200
        moved = await client.put(SETTINGS, json={**without, "port": 993}, headers=admin)
        assert moved.status_code == 409
        assert moved.json()["errors"][0] == {
            "field": "password",
            "message": moved.json()["errors"][0]["message"],
            "code": "password_required",
        }
        # A login in clear is refused, as for SMTP; so is a line break in the password.
        clear = await client.put(SETTINGS, json={**body, "security": "none"}, headers=admin)
        assert (clear.status_code, clear.json()["code"]) == (422, "unencrypted_login")
        broken = await client.put(SETTINGS, json={**body, "password": "a\r\nb"}, headers=admin)
        assert (broken.status_code, broken.json()["code"]) == (422, "password_invalid")
        private = await client.put(SETTINGS, json={**body, "host": "10.1.2.3"}, headers=admin)
        assert (private.status_code, private.json()["code"]) == (422, "smtp_host_not_allowed")
        # Null clears it.
        cleared = await client.put(SETTINGS, json={**body, "password": None}, headers=admin)
        assert cleared.json()["has_password"] is False
        assert (await client.delete(SETTINGS, headers=admin)).status_code == 204
        assert (await client.delete(SETTINGS, headers=admin)).status_code == 404


async def test_the_test_button_answers_with_the_folder_or_the_reason(
    infra: Infrastructure, tenant_id: str, imap_server: ImapServer, imap_folder: str
) -> None:
    infra = mailbox_infra(infra, imap_server)
    admin = admin_headers(infra, tenant_id)
    body = mailbox_body(imap_server, imap_folder)
    imap_server.append(imap_folder, b"Subject: hello\r\n\r\nhi\r\n")
    async with gateway_client(infra) as client:
        none = await client.post(TEST, json={}, headers=admin)
        assert (none.status_code, none.json()["code"]) == (409, "mailbox_not_configured")

        unsaved = await client.post(TEST, json={"settings": body}, headers=admin)
        assert unsaved.status_code == 200, unsaved.text
        answer = unsaved.json()
        assert (answer["ok"], answer["messages"], answer["error_class"]) == (True, 1, None)
        assert answer["uidvalidity"] > 0

        await client.put(SETTINGS, json=body, headers=admin)
        saved = (await client.post(TEST, json={}, headers=admin)).json()
        assert (saved["ok"], saved["messages"]) == (True, 1)

        async def verdict(**changes: Any) -> tuple[bool, str | None]:
            response = await client.post(
                TEST, json={"settings": {**body, **changes}}, headers=admin
            )
            assert response.status_code == 200, response.text
            assert_secret_absent(response, imap_server.password)
            return response.json()["ok"], response.json()["error_class"]

        assert await verdict(password="wrong-password") == (False, "auth")
        assert await verdict(folder="No-Such-Folder") == (False, "folder")
        if imap_server.tls_port:
            assert await verdict(port=imap_server.tls_port, security="ssl") == (True, None)
            # implicit TLS spoken to the plain port: the handshake fails
            assert await verdict(security="ssl") == (False, "tls")
        closed = await verdict(port=1)
        assert closed == (False, "connection_refused")
        # The stored password never goes to another server.
        moved = await client.post(
            TEST,
            json={"settings": {k: v for k, v in {**body, "port": 1}.items() if k != "password"}},
            headers=admin,
        )
        assert (moved.status_code, moved.json()["code"]) == (409, "password_required")


async def test_a_certificate_from_an_unknown_authority_is_refused(
    infra: Infrastructure, tenant_id: str, imap_server: ImapServer, imap_folder: str
) -> None:
    if imap_server.tls_port is None:
        return  # a configured server without TLS: nothing to verify
    # Loopback allowed, but the test CA not trusted: the handshake must fail, not be skipped.
    untrusting = mail_infra(infra, smtp_allowed_private_hosts="127.0.0.1,::1,localhost")
    body = mailbox_body(imap_server, imap_folder, port=imap_server.tls_port, security="ssl")
    async with gateway_client(untrusting) as client:
        response = await client.post(
            TEST, json={"settings": body}, headers=admin_headers(untrusting, tenant_id)
        )
    answer = response.json()
    assert (answer["ok"], answer["error_class"]) == (False, "tls")
    assert answer["reason"].startswith("TLS failed: the certificate was refused")
