"""The admin screens in Chromium: the SMTP test on email settings, the company profile's
GSTIN refusal next to its field, and a user kept out."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests import tally_exports as tally
from tests.e2e.stack import free_port

from .actions import go, open_app
from .harness import WORK_TIMEOUT_MS, ConsoleWatch, Screenshot, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e


ADMIN_SCREENS = (
    "Email settings",
    "Company profile",
    "Import from Tally",
    "Party directory",
    "Distribution lists",
)


# --- SMTP test from the email settings screen --------------------------------------------------


async def test_email_settings_smtp_test_success_and_failure(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    to = web.address("smtp-test")
    closed_port = free_port()  # bound and released: nothing listens there

    await open_app(page, web, web.admin_token)
    main = await go(page, "Email settings")  # an admin has the link
    settings = main.get_by_test_id("settings-form")
    await expect(settings.get_by_label("Host")).to_have_value("127.0.0.1")
    await expect(settings.get_by_label("Port", exact=True)).to_have_value(str(web.smtp_port))

    test_form = main.get_by_test_id("test-email-form")
    result = test_form.get_by_test_id("test-email-result")
    await test_form.get_by_test_id("test-email-to").fill(to)
    await test_form.get_by_test_id("send-test-email").click()
    await expect(result).to_contain_text(re.compile(r"Sent\b.*\b250\b"), timeout=WORK_TIMEOUT_MS)
    await screenshot("success")
    await web.wait_for_mail(to)

    # The same test with an unsaved change: the form's port, where nothing listens.
    await settings.get_by_label("Port", exact=True).fill(str(closed_port))
    await expect(test_form).to_contain_text("unsaved changes")
    await test_form.get_by_test_id("send-test-email").click()
    await expect(result).to_contain_text("Failed", timeout=WORK_TIMEOUT_MS)
    # The reason in plain words (the mail-service's), and its class.
    await expect(result).to_contain_text(f"127.0.0.1:{closed_port} refused the connection")
    await expect(result).to_contain_text("connection_refused")
    await screenshot()

    stored = await web.api("GET", "/admin/email-settings")
    assert stored.json()["port"] == web.smtp_port, "testing unsaved settings saved them"


SETTINGS_KEYS = (
    "host", "port", "security", "username", "from_email", "from_name", "reply_to",
    "timeout_seconds", "max_attachment_mb", "delivery", "link_ttl_days", "internal_domains",
)  # fmt: skip


async def test_a_changed_server_asks_for_the_stored_password_again(
    web: WebStack, page: Page, screenshot: Screenshot, console: ConsoleWatch
) -> None:
    console.allow_http(409, "/api/v1/admin/email-settings")  # the refusal under test
    current = (await web.api("GET", "/admin/email-settings")).json()
    body = {key: current[key] for key in SETTINGS_KEYS}
    # A stored password (no username, so no login over the unencrypted sink connection).
    stored = await web.api("PUT", "/admin/email-settings", json={**body, "password": "pw-e2e"})
    assert stored.status_code == 200, stored.text
    try:
        await open_app(page, web, web.admin_token)
        main = await go(page, "Email settings")
        settings = main.get_by_test_id("settings-form")
        await expect(settings.get_by_test_id("password-stored")).to_contain_text("stored")
        await settings.get_by_label("Port", exact=True).fill(str(free_port()))
        await settings.get_by_test_id("save-settings").click()
        # The password field opens, with the server's reason next to it.
        password = settings.get_by_label("Password", exact=True)
        await expect(password).to_be_visible()
        await expect(password).to_have_attribute("aria-invalid", "true")
        await expect(settings).to_contain_text("type the password again")
        await screenshot()
        unchanged = (await web.api("GET", "/admin/email-settings")).json()
        assert (unchanged["port"], unchanged["has_password"]) == (web.smtp_port, True)
    finally:
        restored = await web.api("PUT", "/admin/email-settings", json={**body, "password": None})
        assert restored.status_code == 200, restored.text


# --- the company profile (letterhead) ---------------------------------------------------------

PROFILE_KEYS = ("legal_name", "address", "gstin", "pan", "phone", "email")


async def test_company_profile_shows_a_gstin_refusal_by_its_field_then_saves(
    web: WebStack, page: Page, screenshot: Screenshot, console: ConsoleWatch
) -> None:
    console.allow_http(422, "/api/v1/admin/tenant")  # the refusal under test
    before = (await web.api("GET", "/admin/tenant")).json()
    try:
        await open_app(page, web, web.admin_token)
        main = await go(page, "Company profile")
        form = main.get_by_test_id("profile-form")
        await form.get_by_label("Legal name").fill("श्री गणेश ट्रेडर्स Pvt Ltd")
        await form.get_by_label("Address").fill("Office 402, Shreenath Plaza\nPune 411005")
        gstin = form.get_by_label("GSTIN")
        await gstin.fill("27AAPFU0939F1ZW")  # one character off: the check character differs
        await form.get_by_label("PAN").fill("aapfu0939f")
        await form.get_by_test_id("save-profile").click()
        await expect(gstin).to_have_attribute("aria-invalid", "true")
        await expect(form).to_contain_text("does not match the others")
        await screenshot("refused")
        assert (await web.api("GET", "/admin/tenant")).json()["gstin"] == before["gstin"]

        await gstin.fill("27aapfu0939f1zv")
        await form.get_by_test_id("save-profile").click()
        await expect(page.locator("#status")).to_contain_text("Company profile saved")
        await expect(gstin).to_have_value("27AAPFU0939F1ZV")  # as the server keeps it
        await expect(form.get_by_label("PAN")).to_have_value("AAPFU0939F")
        await screenshot()
        saved = (await web.api("GET", "/admin/tenant")).json()
        assert saved["address"] == ["Office 402, Shreenath Plaza", "Pune 411005"]
        assert saved["legal_name"] == "श्री गणेश ट्रेडर्स Pvt Ltd"
    finally:
        body = {key: before[key] if before[key] is not None else "" for key in PROFILE_KEYS}
        restored = await web.api("PUT", "/admin/tenant", json=body)
        assert restored.status_code == 200, restored.text


# --- the Tally import ---------------------------------------------------------------------------


async def test_tally_exports_are_imported_with_progress_and_a_report(
    web: WebStack, page: Page, screenshot: Screenshot, tmp_path: Path
) -> None:
    masters = tally.write_export(tmp_path / "Master.xml", "All Masters", tally.MASTERS, "utf-16")
    day_book = tally.write_export(tmp_path / "DayBook.xml", "Day Book", tally.DAY_BOOK, "utf-16")
    await open_app(page, web, web.admin_token)
    main = await go(page, "Import from Tally")
    form = main.get_by_test_id("tally-form")
    await form.get_by_test_id("tally-files").set_input_files([masters, day_book])
    await form.get_by_test_id("tally-upload").click()
    await expect(form.get_by_test_id("tally-status")).to_have_text(
        "Imported.", timeout=WORK_TIMEOUT_MS
    )
    done = form.get_by_test_id("tally-report")
    vouchers = done.get_by_role("row", name=re.compile(r"^Vouchers"))
    await expect(vouchers).to_contain_text("5")
    await expect(done).to_contain_text("2 cancelled or optional vouchers were skipped")
    await expect(main.get_by_test_id("tally-history")).to_contain_text("Master.xml, DayBook.xml")
    await screenshot()
    found = await web.api("GET", "/ledgers", params={"search": "गणेश"})
    (ganesh,) = found.json()["items"]
    assert (ganesh["name"], ganesh["gstin"]) == (tally.GANESH, "27AAPFU0939F1ZV")


# --- an admin-only screen for a user ---------------------------------------------------------


async def test_admin_screens_hidden_from_a_user_and_refused_by_url(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    await open_app(page, web, web.user_token)
    nav = page.get_by_role("navigation", name="Main")
    await expect(nav.get_by_role("link", name="Ledger report")).to_be_visible()
    for title in ADMIN_SCREENS:
        await expect(nav.get_by_role("link", name=title)).to_have_count(0)

    await page.goto(f"{web.gateway}/#/admin/email-settings")
    main = page.locator("#main")
    await expect(main.get_by_role("heading", level=1)).to_have_text("Not available")
    await expect(main).to_contain_text("This screen is for administrators.")
    await expect(main.get_by_test_id("settings-form")).to_have_count(0)
    await screenshot()

    # The API refuses the user too, whatever the app shows.
    for method, path, body in (
        ("GET", "/admin/email-settings", None),
        ("GET", "/admin/tenant", None),
        ("POST", "/party-emails", {"ledger_name": "Any", "to": [web.address("x")]}),
    ):
        refused = await web.api(method, path, token=web.user_token, json=body)
        assert refused.status_code == 403, (method, path, refused.status_code, refused.text)
