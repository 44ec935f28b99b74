"""The web app in Chromium against the real stack: what a person does, end to end.

Set-up (stack, SMTP sink, demo tenant, tokens, browser, console watch, screenshots) is in
conftest.py. Controls are found by the `data-testid`s the screens list at the top of their
files (web/screens/*.js), or by role and label; every wait is Playwright's auto-waiting or an
`expect` with a timeout.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.stack import free_port

from .conftest import WORK_TIMEOUT_MS, ConsoleWatch, Screenshot, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see conftest.require_browser)
    from playwright.async_api import Locator, Page

pytestmark = pytest.mark.e2e

ADMIN_SCREENS = ("Email settings", "Party directory", "Distribution lists")


# --- helpers --------------------------------------------------------------------------------


async def open_app(page: Page, web: WebStack, token: str) -> None:
    """Open the app as the host application does (`/#token=...`): it lands on the ledger."""
    await page.goto(web.app_url(token))
    await expect(page.locator("#who")).to_contain_text("Sign out")
    await expect(page.locator("#main h1")).to_have_text("Ledger report")


async def go(page: Page, title: str) -> Locator:
    """Follow the navigation link `title`; returns the screen (`#main`) once it shows."""
    await page.get_by_role("navigation", name="Main").get_by_role("link", name=title).click()
    main = page.locator("#main")
    await expect(main.get_by_role("heading", level=1)).to_have_text(title)
    return main


async def pick_ledger(page: Page, name: str, directory_status: str) -> Locator:
    """Type a ledger name on the ledger screen and wait for its party directory status."""
    form = page.get_by_role("form", name="Ledger report")
    await form.get_by_test_id("ledger-input").fill(name)
    await expect(form.get_by_test_id("directory-status")).to_contain_text(directory_status)
    return form


async def send_and_follow(page: Page, dialog: Locator, endpoint: str) -> dict[str, Any]:
    """Press Send in an email dialog; the accepted request, once the dialog says it was sent."""
    async with page.expect_response(
        lambda r: r.url.endswith(endpoint) and r.request.method == "POST"
    ) as answer:
        await dialog.get_by_test_id("send-button").click()
    response = await answer.value
    assert response.status == 202, await response.text()
    accepted: dict[str, Any] = await response.json()
    result = dialog.get_by_test_id("email-result")
    await expect(result).to_contain_text("Sent to", timeout=WORK_TIMEOUT_MS)
    await result.scroll_into_view_if_needed()  # for the screenshot: the dialog scrolls
    return accepted


async def unused_ledgers(web: WebStack, count: int, offset: int) -> list[str]:
    """`count` ledger names without a party directory entry, from `offset` on (tests differ)."""
    free = [item["name"] for item in await web.ledgers() if not item["has_directory_entry"]]
    names = free[offset : offset + count]
    assert len(names) == count, f"not enough ledgers without a directory entry: {free}"
    return names


# --- 1. ledger email, To from the party directory ----------------------------------------------


async def test_ledger_email_to_the_party_directory(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    [ledger] = await unused_ledgers(web, 1, offset=0)
    party = web.address("party", "party-side.example")
    cc = web.address("cc")
    bcc = web.address("bcc")
    created = await web.api(
        "POST", "/party-emails", json={"ledger_name": ledger, "to": [party], "cc": [cc]}
    )
    assert created.status_code == 201, created.text

    await open_app(page, web, web.user_token)
    form = await pick_ledger(page, ledger, "Has a party directory entry")
    await form.get_by_label("Format").select_option("csv")
    await form.get_by_test_id("email-button").click()

    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_test_id("to-input")).to_have_value(party)
    await expect(dialog.get_by_test_id("cc-input")).to_have_value(cc)
    await expect(dialog.get_by_test_id("to-source")).to_be_visible()
    await expect(dialog.get_by_test_id("to-source")).to_have_text("from the party directory")
    await dialog.get_by_test_id("bcc-input").fill(bcc)
    # Adding a BCC leaves the directory's own recipients untouched: still marked as theirs.
    await expect(dialog.get_by_test_id("to-source")).to_be_visible()

    accepted = await send_and_follow(page, dialog, "/api/v1/reports/ledger/email")
    assert accepted["to_source"] == "directory", accepted
    assert accepted["recipients"]["to"] == [party], accepted
    await screenshot()

    sent = await web.wait_for_status(f"/emails/{accepted['email_id']}", "sent", ("failed",))
    assert sent["status"] == "sent"
    message = await web.wait_for_mail(party)
    envelope = {a.lower() for a in message.get_all("X-Envelope-To", [])}
    assert {party, cc, bcc} <= envelope, envelope
    assert party in message["To"], message["To"]
    assert cc in (message["Cc"] or ""), message["Cc"]
    assert message["Bcc"] is None, "a Bcc header was sent"
    leaked = [k for k, v in message.items() if k != "X-Envelope-To" and bcc in v.lower()]
    assert not leaked, f"the BCC address is in the headers {leaked}"


# --- 2. ledger email, To typed by hand -------------------------------------------------------


async def test_ledger_email_typed_by_hand(
    web: WebStack, page: Page, console: ConsoleWatch, screenshot: Screenshot
) -> None:
    console.allow_http(404, "/api/v1/party-emails/lookup")  # "no entry" is the lookup's 404
    [ledger] = await unused_ledgers(web, 1, offset=1)
    to = web.address("typed", "party-side.example")

    await open_app(page, web, web.user_token)
    form = await pick_ledger(page, ledger, "No party directory entry")
    await form.get_by_label("Format").select_option("csv")
    await form.get_by_test_id("email-button").click()

    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("has no entry for")  # the lookup answered
    await expect(dialog.get_by_test_id("to-input")).to_have_value("")
    await expect(dialog.get_by_test_id("to-source")).to_be_hidden()
    await dialog.get_by_test_id("to-input").fill(to)

    accepted = await send_and_follow(page, dialog, "/api/v1/reports/ledger/email")
    assert accepted["to_source"] != "directory", accepted
    assert accepted["recipients"]["to"] == [to], accepted
    await screenshot()

    await web.wait_for_status(f"/emails/{accepted['email_id']}", "sent", ("failed",))
    message = await web.wait_for_mail(to)
    assert message.get_all("X-Envelope-To") == [to]


# --- 3. outstanding email: external refused, internal delivered ----------------------------------


async def test_outstanding_email_refused_outside_and_sent_inside(
    web: WebStack, page: Page, console: ConsoleWatch, screenshot: Screenshot
) -> None:
    console.allow_http(422, "/api/v1/reports/outstanding/email")  # the refusal under test
    outsider = web.address("outsider", "external.example")
    insider = web.address("accounts")

    await open_app(page, web, web.user_token)
    main = await go(page, "Outstanding report")
    await (
        main.get_by_role("form", name="Outstanding report")
        .get_by_label("Format")
        .select_option("csv")
    )
    await main.get_by_test_id("email-button").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_contain_text("Internal use only")

    await dialog.get_by_test_id("to-input").fill(outsider)
    async with page.expect_response(lambda r: r.url.endswith("/outstanding/email")) as answer:
        await dialog.get_by_test_id("send-button").click()
    assert (await answer.value).status == 422
    # The server's refusal, in the dialog: its message beside the To box (marked invalid), and
    # the form's summary (alert) pointing there; nothing was queued.
    to_box = dialog.get_by_test_id("to-input")
    await expect(to_box).to_have_attribute("aria-invalid", "true")
    await expect(dialog.locator(".field-error").filter(has_text=outsider)).to_have_text(
        f"'{outsider}' is not an internal address"
    )
    await expect(dialog.get_by_role("alert")).to_be_visible()
    await expect(dialog.get_by_role("alert")).not_to_be_empty()
    await expect(dialog.get_by_test_id("email-result")).to_be_empty()
    await screenshot("refused")

    await dialog.get_by_test_id("to-input").fill(insider)
    accepted = await send_and_follow(page, dialog, "/api/v1/reports/outstanding/email")
    assert accepted["recipients"]["to"] == [insider], accepted
    await screenshot()

    await web.wait_for_status(f"/emails/{accepted['email_id']}", "sent", ("failed",))
    message = await web.wait_for_mail(insider)
    assert message.get_all("X-Envelope-To") == [insider]
    assert web.messages_to(outsider) == [], "the external address received the report"


# --- 4. SMTP test from the email settings screen -----------------------------------------------


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


# --- 5. a schedule: preview, create, run now, runs history -------------------------------------


async def test_schedule_created_previewed_and_run_now(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    name = f"Browser schedule {web.address('s').split('@')[0]}"
    to = web.address("schedule")

    await open_app(page, web, web.user_token)
    main = await go(page, "Schedules")
    await main.get_by_test_id("new-schedule").click()
    dialog = page.get_by_role("dialog", name="New schedule")
    form = dialog.get_by_test_id("schedule-form")
    await form.get_by_test_id("schedule-name").fill(name)
    await form.get_by_test_id("schedule-report").select_option("outstanding")
    await form.get_by_test_id("schedule-kind").select_option("receivable")
    await form.get_by_test_id("schedule-format").select_option("csv")
    await form.get_by_test_id("schedule-recurrence").select_option("daily")
    await form.get_by_test_id("schedule-time").fill("07:30")
    await form.get_by_test_id("schedule-to").fill(to)

    # The next runs are shown before anything is saved.
    preview = form.get_by_test_id("preview-runs").get_by_role("listitem")
    await expect(preview).to_have_count(5)
    await expect(preview.first).to_contain_text("07:30")
    await expect(form.get_by_test_id("preview-note")).to_contain_text("30 7 * * *")
    listed = await web.api("GET", "/schedules", token=web.user_token)
    assert name not in listed.text, "the preview saved the schedule"
    await screenshot("preview")

    await form.get_by_test_id("save-schedule").click()
    await expect(dialog).to_be_hidden()
    row = main.get_by_test_id("schedule-row").filter(has_text=name)
    await expect(row).to_have_count(1)
    await row.get_by_test_id("run-now").click()
    started = main.get_by_test_id("run-started")
    await expect(started).to_contain_text(name)

    await started.get_by_role("link", name="Follow its runs").click()
    await expect(main.get_by_role("heading", level=1)).to_have_text("Schedule")
    await expect(main.get_by_test_id("schedule-summary")).to_contain_text(name)
    run = main.get_by_test_id("run-row")
    await expect(run).to_have_count(1)
    # The history refreshes itself while the run moves: exporting, sending, succeeded.
    await expect(run.get_by_test_id("run-status")).to_have_text(
        "succeeded", timeout=WORK_TIMEOUT_MS
    )
    await run.get_by_test_id("run-details").click()
    detail = page.get_by_test_id("run-detail")
    await expect(detail.get_by_test_id("run-export")).to_contain_text("succeeded")
    await expect(detail.get_by_test_id("run-audit")).to_contain_text(to)
    await screenshot()

    message = await web.wait_for_mail(to)
    assert message.get_all("X-Envelope-To") == [to]


# --- 6. an export followed to its download -----------------------------------------------------


async def test_export_followed_to_its_download(
    web: WebStack, page: Page, screenshot: Screenshot, tmp_path: Path
) -> None:
    [ledger] = await unused_ledgers(web, 1, offset=2)

    await open_app(page, web, web.user_token)
    form = await pick_ledger(page, ledger, "No party directory entry")
    await form.get_by_test_id("period-select").select_option("this_fy")
    await form.get_by_label("Format").select_option("csv")
    await form.get_by_test_id("export-button").click()

    status = page.get_by_test_id("job-status")
    await expect(status).to_have_attribute("data-status", "succeeded", timeout=WORK_TIMEOUT_MS)
    await expect(status).to_contain_text("Ready:")
    async with page.expect_download() as downloading:
        await page.get_by_test_id("download-button").click()
    download = await downloading.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    header = saved.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("date,") and "balance" in header, header

    # The same job on "My exports", downloadable from there too; the file is the job's own.
    main = await go(page, "My exports")
    row = main.get_by_test_id("exports-table").locator("tbody tr").filter(has_text=ledger)
    await expect(row).to_have_count(1)
    row_status = row.get_by_test_id("job-status")
    await expect(row_status).to_have_attribute("data-status", "succeeded")
    job_id = await row_status.get_attribute("data-job-id")
    job = (await web.api("GET", f"/exports/jobs/{job_id}", token=web.user_token)).json()
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == job["sha256"], job
    async with page.expect_download() as again:
        await row.get_by_test_id("download-button").click()
    assert (await again.value).suggested_filename == download.suggested_filename
    await screenshot()


# --- 7. an admin-only screen for a user ------------------------------------------------------


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
