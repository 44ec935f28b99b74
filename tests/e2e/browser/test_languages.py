"""The web app in English, मराठी and हिन्दी: the browser's language on first sight, the header's
switch changing the words at once (no reload) and saving the choice for that user.

Screenshots go to tests/e2e/browser/screenshots/lang-*.png (git-ignored)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from shared.infra.tokens import mint_token

from .harness import UI_TIMEOUT_MS, ConsoleWatch, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Browser, Page

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent / "screenshots"
OpenPage = Callable[..., Awaitable["Page"]]


def person(web: WebStack, role: str = "user", locale: str | None = None) -> str:
    """A token for a new user of the test tenant (their saved language starts empty)."""
    sub = f"{role}-lang-{uuid.uuid4().hex[:6]}"
    return mint_token(
        web.stack.settings,
        user_id=sub,
        tenant_id=web.tenant,
        role=role,  # type: ignore[arg-type]
        email=f"{sub}@{web.domain}",
        locale=locale,
    )


@asynccontextmanager
async def browser_page(
    browser: Browser, console: ConsoleWatch, locale: str, width: int = 1280
) -> AsyncIterator[Page]:
    """A page in a browser whose language is `locale` (its Accept-Language too)."""
    context = await browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    context.set_default_timeout(UI_TIMEOUT_MS)
    page = await context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)
    try:
        yield page
    finally:
        await context.close()
    assert not console.errors, "the browser reported errors:\n" + "\n".join(console.errors)


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    await page.screenshot(path=SHOTS / f"lang-{name}.png", full_page=True)


async def test_the_browser_language_then_the_switch_saves_the_choice(
    web: WebStack, browser: Browser, console: ConsoleWatch
) -> None:
    token = person(web)
    async with browser_page(browser, console, "mr-IN") as page:
        await page.goto(web.app_url(token))
        main = page.locator("#main")
        # Nothing saved, no locale in the token, no tenant default: the browser's Marathi.
        await expect(main.locator("h1")).to_have_text("खतावणी उतारा")
        await expect(page.locator("html")).to_have_attribute("lang", "mr")
        await expect(page.get_by_role("navigation", name="मुख्य मेनू")).to_be_visible()
        await shot(page, "mr-first-sight")

        # The switch: Hindi at once, without a reload (the same document keeps a marker).
        await page.evaluate("window.__sameDocument = true")
        async with page.expect_response(lambda r: r.url.endswith("/api/v1/me")) as saved:
            await page.get_by_test_id("language-select").select_option("hi")
        await expect(main.locator("h1")).to_have_text("लेजर विवरण")
        assert (await saved.value).status == 200
        assert await page.evaluate("window.__sameDocument") is True
        await expect(page.locator("#who")).to_contain_text("बाहर निकलें")
        await shot(page, "hi-after-switch")

        me = await web.client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"}
        )
        assert me.json()["saved_language"] == "hi"
        assert (me.json()["language"], me.json()["language_source"]) == ("hi", "saved")

        # Opened again later (an English browser now): the saved choice wins.
        await page.reload()
        await expect(main.locator("h1")).to_have_text("लेजर विवरण")


async def test_the_tokens_locale_comes_before_the_browser(
    web: WebStack, browser: Browser, console: ConsoleWatch
) -> None:
    token = person(web, locale="hi-IN")
    async with browser_page(browser, console, "mr-IN") as page:
        await page.goto(web.app_url(token))
        await expect(page.locator("#main h1")).to_have_text("लेजर विवरण")
        await expect(page.get_by_test_id("language-select")).to_have_value("hi")
