"""The mailbox read for bounces in Chromium, against the tests' real Dovecot over implicit TLS:
tried, saved and a refused login explained on the email settings screen; a bounce it reads
shown on the email audit and flagged in the party directory."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conftest import wait_until
from tests.imap_kit import bounces
from tests.imap_kit.server import ImapServer

from .actions import go, open_app, pick_ledger, unused_ledgers
from .harness import WORK_TIMEOUT_MS, WORK_TIMEOUT_S, Screenshot, WebStack, expect

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


async def test_a_bounce_shows_in_the_audit_and_flags_the_directory_address(
    web: WebStack, page: Page, screenshot: Screenshot, imap_server: ImapServer, imap_folder: str
) -> None:
    if imap_server.tls_port is None:
        pytest.skip("the configured IMAP server offers no TLS port")
    [ledger] = await unused_ledgers(web, 1, offset=12)
    party = web.address("bounces-party", "party-side.example")
    owner = web.address("bounces-owner", "party-side.example")
    created = await web.api(
        "POST", "/party-emails", json={"ledger_name": ledger, "to": [party], "cc": [owner]}
    )
    assert created.status_code == 201, created.text
    accepted = await web.api(
        "POST",
        "/reports/ledger/email",
        json={
            "ledger": ledger,
            "from_date": "2025-04-01",
            "to_date": "2025-06-30",
            "format": "csv",
        },
    )
    assert accepted.status_code == 202, accepted.text
    email_path = f"/emails/{accepted.json()['email_id']}"
    sent = await web.wait_for_status(email_path, "sent", ("failed",))
    saved = await web.api(
        "PUT",
        "/admin/mailbox-settings",
        json={
            "host": "127.0.0.1",
            "port": imap_server.tls_port,
            "security": "ssl",
            "username": imap_server.user,
            "password": imap_server.password,
            "folder": imap_folder,
        },
    )
    assert saved.status_code == 200, saved.text
    assert {r["status"] for r in sent["recipients"]} == {"accepted"}
    await web.wait_for_mail(party)
    sender = saved.json()["username"]
    imap_server.append(
        imap_folder, bounces.exim(sent_message_id(web, party), sender, party, [owner])
    )

    async def bounced() -> bool:
        recipients = (await web.api("GET", email_path)).json()["recipients"]
        return any(r["status"] == "bounced" for r in recipients)

    await wait_until(bounced, timeout=WORK_TIMEOUT_S, what="the bounce to be read")

    await open_app(page, web, web.admin_token)
    main = await go(page, "Email audit")
    await main.get_by_test_id("audit-filter-bounced").check()  # applies at once
    table = main.get_by_test_id("audit-table")
    await expect(table.get_by_role("row").filter(has_text=party)).to_have_count(1)

    async def only_bounced_listed() -> bool:
        # Counted again until the filtered table is drawn: counted once, the rows could be
        # the unfiltered table's, still on screen for a moment.
        rows = await table.get_by_role("row").count() - 1
        badges = await table.get_by_test_id("recipient-status").filter(has_text="bounced").count()
        return rows == badges  # every attempt listed has a bounce

    await wait_until(only_bounced_listed, timeout=WORK_TIMEOUT_S, what="only bounced attempts")
    await main.get_by_test_id("audit-filter-recipient").fill(party)
    await main.get_by_test_id("audit-apply").click()
    row = main.get_by_test_id("audit-table").get_by_role("row").filter(has_text=party)
    bounced_line = row.get_by_test_id("recipient").filter(has_text=party)
    await expect(bounced_line.get_by_test_id("recipient-status")).to_have_text("bounced")
    await expect(bounced_line).to_contain_text("5.1.1")
    owner_line = row.get_by_test_id("recipient").filter(has_text=owner)
    await expect(owner_line.get_by_test_id("recipient-status")).to_have_text("accepted")
    await screenshot("audit")

    main = await go(page, "Party directory")
    await main.get_by_test_id("party-search").fill(ledger)
    await main.get_by_test_id("search-button").click()
    entry = main.get_by_test_id("party-table").get_by_role("row").filter(has_text=ledger)
    await expect(entry.get_by_test_id("bounced-address")).to_have_count(1)
    await expect(entry.get_by_test_id("bounced-address")).to_contain_text(party)
    await expect(entry.get_by_test_id("bounced-address")).to_contain_text("check the address")
    await screenshot("directory")

    # The next statement's email dialog warns before the address is used again.
    main = await go(page, "Ledger report")
    form = await pick_ledger(page, ledger, "Has a party directory entry")
    await form.get_by_test_id("email-button").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_test_id("to-input")).to_have_value(party)
    await expect(dialog.get_by_test_id("to-bounced")).to_contain_text(
        f"An email to {party} bounced"
    )
    await screenshot("dialog")
    await web.api("DELETE", "/admin/mailbox-settings")


def sent_message_id(web: WebStack, address: str) -> str:
    """The Message-ID of the message the SMTP sink received for `address`."""
    [message] = web.messages_to(address)
    return str(message["Message-ID"])
