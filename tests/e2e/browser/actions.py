"""What a person does in the app: open it, follow the navigation, pick a ledger, free ledgers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .harness import WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Locator, Page

# Controls are found by the `data-testid`s the screens list at the top of their files
# (web/screens/*.js), or by role and label; every wait is Playwright's auto-waiting or an
# `expect` with a timeout.


async def open_app(page: Page, web: WebStack, token: str) -> None:
    """Open the app as the host application does (`/#token=...`): it lands on the ledger."""
    await page.goto(web.app_url(token))
    await expect(page.locator("#who")).to_contain_text("Sign out")
    await expect(page.locator("#main h1")).to_have_text("Ledger report")


async def go(page: Page, title: str) -> Locator:
    """Follow the navigation link `title` (an administrator's setting sits behind the
    navigation's settings button: opened first); returns the screen (`#main`) once it shows."""
    nav = page.get_by_role("navigation", name="Main")
    target = nav.get_by_role("link", name=title)
    if not await target.is_visible():
        await nav.get_by_test_id("nav-admin").click()
    await target.click()
    main = page.locator("#main")
    await expect(main.get_by_role("heading", level=1)).to_have_text(title)
    return main


async def pick_ledger(page: Page, name: str, directory_status: str) -> Locator:
    """Type a ledger name on the ledger screen and wait for its party directory status."""
    form = page.get_by_role("form", name="Ledger report")
    await form.get_by_test_id("ledger-input").fill(name)
    await expect(form.get_by_test_id("directory-status")).to_contain_text(directory_status)
    return form


async def unused_ledgers(web: WebStack, count: int, offset: int) -> list[str]:
    """`count` ledger names without a party directory entry, from `offset` on (tests differ)."""
    free = [item["name"] for item in await web.ledgers() if not item["has_directory_entry"]]
    names = free[offset : offset + count]
    assert len(names) == count, f"not enough ledgers without a directory entry: {free}"
    return names
