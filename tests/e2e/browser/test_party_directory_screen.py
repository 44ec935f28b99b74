"""The party directory screen in Chromium: an entry's language chosen from the languages' own
names, shown in the table, and kept when the entry is edited (PUT replaces the whole entry)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .actions import go, open_app, unused_ledgers
from .harness import ConsoleWatch, Screenshot, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e


async def test_an_entrys_language_is_chosen_shown_and_kept_on_edit(
    web: WebStack, page: Page, screenshot: Screenshot, console: ConsoleWatch
) -> None:
    [ledger] = await unused_ledgers(web, 1, offset=3)
    await open_app(page, web, web.admin_token)
    main = await go(page, "Party directory")
    await main.get_by_test_id("add-entry").click()
    form = page.get_by_test_id("entry-form")
    language = form.get_by_label("Language")
    await expect(language.locator("option")).to_have_text(["English", "मराठी", "हिन्दी"])
    await expect(language).to_have_value("en")
    await form.get_by_label("Ledger name").fill(ledger)
    await form.get_by_label("To", exact=True).fill(web.address("hishob"))
    await language.select_option(label="मराठी")
    await form.get_by_test_id("save-entry").click()
    await expect(page.locator("#status")).to_contain_text(f"Added the entry for {ledger}")

    await main.get_by_test_id("party-search").fill(ledger)
    await main.get_by_test_id("search-button").click()
    row = main.get_by_test_id("party-table").get_by_role("row").filter(has_text=ledger)
    await expect(row).to_contain_text("मराठी")
    [entry] = (await web.api("GET", "/party-emails", params={"q": ledger})).json()["items"]
    assert entry["language"] == "mr"

    # edited for its CC only, the entry stays Marathi
    await row.get_by_test_id("edit-entry").click()
    await expect(form.get_by_label("Language")).to_have_value("mr")
    cc = web.address("ca")
    await form.get_by_label("CC", exact=True).fill(cc)
    await screenshot("editing")
    await form.get_by_test_id("save-entry").click()
    await expect(page.locator("#status")).to_contain_text(f"Saved the entry for {ledger}")
    await expect(row).to_contain_text("मराठी")
    await screenshot()
    saved = (await web.api("GET", f"/party-emails/{entry['id']}")).json()
    assert saved["language"] == "mr" and saved["cc"] == [cc]
    assert (await web.api("DELETE", f"/party-emails/{entry['id']}")).status_code == 204
