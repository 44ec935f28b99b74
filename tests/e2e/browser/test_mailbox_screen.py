"""The mailbox read for bounces, on the email settings screen in Chromium: tried, saved, and a
refused login shown in plain words, against the tests' real Dovecot over implicit TLS."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.imap_kit.server import ImapServer

from .actions import go, open_app
from .harness import WORK_TIMEOUT_MS, Screenshot, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e


async def test_mailbox_is_tried_saved_and_a_refused_login_explained(
    web: WebStack, page: Page, screenshot: Screenshot, imap_server: ImapServer, imap_folder: str
) -> None:
    if imap_server.tls_port is None:
        pytest.skip("the configured IMAP server offers no TLS port")
    imap_server.append(imap_folder, b"Subject: a message\r\n\r\nhello\r\n")
    await open_app(page, web, web.admin_token)
    main = await go(page, "Email settings")
    form = main.get_by_test_id("mailbox-form")
    await expect(form.get_by_test_id("mailbox-note")).to_be_visible()
    # The certificate names 127.0.0.1 too, and the stack allows loopback servers.
    await form.get_by_label("IMAP host").fill("127.0.0.1")
    await form.get_by_label("Port").fill(str(imap_server.tls_port))
    await form.get_by_label("Security").select_option("ssl")
    await form.get_by_label("Username").fill(imap_server.user)
    await form.get_by_label("Password", exact=True).fill(imap_server.password)
    await form.get_by_label("Folder").fill(imap_folder)

    result = form.get_by_test_id("mailbox-test-result")
    await form.get_by_test_id("test-mailbox").click()
    await expect(result).to_contain_text(
        "Signed in: the folder holds 1 message.", timeout=WORK_TIMEOUT_MS
    )

    await form.get_by_test_id("save-mailbox").click()
    await expect(form.get_by_test_id("mailbox-note")).to_be_hidden()
    await expect(form.get_by_test_id("mailbox-password-stored")).to_contain_text(
        "A password is stored"
    )
    await expect(form.get_by_test_id("mailbox-status")).to_contain_text("0 bounces matched")
    await screenshot("saved")
    saved = (await web.api("GET", "/admin/mailbox-settings")).json()
    assert (saved["host"], saved["port"], saved["has_password"]) == (
        "127.0.0.1",
        imap_server.tls_port,
        True,
    )

    await form.get_by_label("Password", exact=True).fill("not-the-password")
    await form.get_by_test_id("test-mailbox").click()
    await expect(result).to_contain_text(
        "Failed: the server refused the login", timeout=WORK_TIMEOUT_MS
    )
    await expect(result).to_contain_text("Error class: auth")
    await screenshot("refused")
    await web.api("DELETE", "/admin/mailbox-settings")
