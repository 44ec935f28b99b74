"""Emailing reports from the app in Chromium: ledger (directory or typed To) and outstanding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from .actions import go, open_app, pick_ledger, unused_ledgers
from .harness import WORK_TIMEOUT_MS, ConsoleWatch, Screenshot, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Locator, Page

pytestmark = pytest.mark.e2e


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


# --- ledger email, To from the party directory -------------------------------------------------


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


# --- ledger email, To typed by hand ----------------------------------------------------------


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


# --- outstanding email: external refused, internal delivered -------------------------------------


async def test_outstanding_email_refused_outside_and_sent_inside(
    web: WebStack, page: Page, console: ConsoleWatch, screenshot: Screenshot
) -> None:
    console.allow_http(409, "/api/v1/reports/outstanding/email")  # the refusal under test
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
    assert (await answer.value).status == 409  # external_recipients
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
