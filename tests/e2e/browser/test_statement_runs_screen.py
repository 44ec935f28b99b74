"""The statement runs screen in Chromium: chosen ledgers sent their own statements, one skipped
for want of an email, the run followed to its end, the per-party table at desk and phone width."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .actions import go, open_app, unused_ledgers
from .harness import ConsoleWatch, Screenshot, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e


async def test_a_run_is_started_followed_and_shown_per_party(
    web: WebStack, page: Page, screenshot: Screenshot, console: ConsoleWatch
) -> None:
    ledgers = await unused_ledgers(web, 3, offset=8)
    addresses = {name: web.address("hisab", "party.example") for name in ledgers[:2]}
    for name, address in addresses.items():
        entry = {"ledger_name": name, "to": [address]}
        assert (await web.api("POST", "/party-emails", json=entry)).status_code == 201
    await open_app(page, web, web.user_token)
    main = await go(page, "Statement runs")
    form = main.get_by_test_id("run-form")
    await expect(form.get_by_test_id("run-group")).to_have_value("Sundry Debtors")
    await form.get_by_test_id("run-selection").select_option("ledgers")
    await form.get_by_test_id("run-ledgers").fill("\n".join(ledgers))
    await form.get_by_test_id("run-period").select_option("this_fy")
    await form.get_by_test_id("skip-zero").uncheck()
    await screenshot("form")
    await form.get_by_test_id("run-start").click()
    await expect(page.locator("#status")).to_contain_text("The run started: 3 ledgers.")

    progress = main.get_by_test_id("run-progress")
    await expect(progress).to_contain_text("3 of 3 ledgers done", timeout=60_000)
    table = main.get_by_test_id("items-table")
    for name in ledgers[:2]:
        row = table.locator(f"tr[data-ledger='{name}']")
        await expect(row.get_by_test_id("item-status")).to_have_text("sent")
        await expect(row).to_contain_text(addresses[name])
    skipped = table.locator(f"tr[data-ledger='{ledgers[2]}']")
    await expect(skipped.get_by_test_id("item-status")).to_have_text("skipped")
    await expect(skipped).to_contain_text("no email in the party directory")
    await expect(progress).to_contain_text("1 without an email")
    await expect(main.get_by_test_id("resend-failed")).to_be_hidden()
    await expect(main.get_by_test_id("runs-table")).to_contain_text(ledgers[0])
    for name, address in addresses.items():
        assert name in str((await web.wait_for_mail(address))["Subject"])
    await screenshot()

    await page.set_viewport_size({"width": 390, "height": 844})
    await expect(table.locator("td[data-label='Closing balance']").first).to_be_visible()
    await screenshot("phone")

    # In Marathi: the screen's own words, the statuses and the skip reason.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.get_by_test_id("language-select").select_option("mr")
    await expect(main.get_by_role("heading", level=1)).to_have_text("खाते उतारे पाठवणी")
    await expect(main.get_by_test_id("run-start")).to_have_text("उतारे पाठवा")
    await expect(main.get_by_test_id("runs-table")).to_contain_text("पूर्ण")
    await screenshot("marathi")
