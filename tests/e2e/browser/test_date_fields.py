"""Dates the Indian way in Chromium with an American locale: typed as dd-mm-yyyy, checked,
spelled out beside the fields, picked from the calendar with the keyboard and by tapping on a
phone, and sent to the API as ISO dates."""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from shared.infra.tokens import mint_token

from .actions import go, open_app, pick_ledger, unused_ledgers
from .harness import ConsoleWatch, Screenshot, WebStack, expect, screenshot_path

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Browser, Page

pytestmark = pytest.mark.e2e


def watch(page: Page, console: ConsoleWatch) -> None:
    """A page of the test's own context (another locale or a phone) watched like `page`."""
    page.on("console", console.on_console)
    page.on("pageerror", console.on_page_error)


async def test_a_typed_dd_mm_yyyy_date_is_read_day_first_and_sent_as_iso(
    web: WebStack, browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest
) -> None:
    # An en-US browser (common on Indian PCs) reads 12/04/2026 as 4 December; the field must not.
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    us_page = await context.new_page()
    watch(us_page, console)
    try:
        [ledger] = await unused_ledgers(web, 1, offset=6)  # its own: My exports lists it
        await open_app(us_page, web, web.user_token)
        form = await pick_ledger(us_page, ledger, "No party directory entry")
        start, end = form.get_by_test_id("from-date"), form.get_by_test_id("to-date")
        await start.fill("12/04/2026")
        await start.press("Tab")
        await expect(start).to_have_value("12-04-2026")  # normalised as it is left
        await expect(form.get_by_test_id("period-select")).to_have_value("custom")

        await end.fill("31-02-2026")  # no such day
        await end.press("Tab")
        await expect(end).to_have_attribute("aria-invalid", "true")
        await expect(form.locator(".field-error").filter(has_text="dd-mm-yyyy")).to_be_visible()
        await us_page.screenshot(path=screenshot_path(request.node.name, "invalid"))

        await end.fill("30.11.2026")
        await end.press("Tab")
        await expect(end).not_to_have_attribute("aria-invalid", "true")
        await expect(form.get_by_test_id("period-summary")).to_have_text(
            "Period: 12 April 2026 \N{EN DASH} 30 November 2026 (233 days)"
        )
        await form.get_by_label("Format").select_option("csv")
        async with us_page.expect_request(
            lambda r: r.url.endswith("/api/v1/exports/jobs") and r.method == "POST"
        ) as sent:
            await form.get_by_test_id("export-button").click()
        body: dict[str, Any] = json.loads((await sent.value).post_data or "{}")
        assert body["params"]["from_date"] == "2026-04-12", body
        assert body["params"]["to_date"] == "2026-11-30", body
        await expect(us_page.get_by_test_id("job-status")).to_be_visible()
        await us_page.screenshot(path=screenshot_path(request.node.name), full_page=True)
        assert not console.errors, console.errors
    finally:
        await context.close()


async def test_a_date_is_picked_from_the_calendar_with_the_keyboard(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    await open_app(page, web, web.user_token)
    main = await go(page, "Outstanding report")
    as_of = main.get_by_test_id("as-of-input")
    await as_of.fill("15-08-2026")
    await as_of.press("Alt+ArrowDown")  # opens the calendar on the typed day
    calendar = page.get_by_role("dialog", name="Choose a date: As of")
    await expect(calendar).to_be_visible()
    await expect(calendar.get_by_role("heading")).to_have_text("August 2026")
    focused = calendar.locator("button.date-day:focus")
    await expect(focused).to_have_attribute("aria-label", "Saturday, 15 August 2026")
    for key in ("ArrowRight", "ArrowDown", "PageUp"):  # +1 day, +1 week, -1 month
        await page.keyboard.press(key)
    await expect(focused).to_have_attribute("aria-label", "Thursday, 23 July 2026")
    await screenshot("calendar")
    await page.keyboard.press("Enter")
    await expect(calendar).to_be_hidden()
    await expect(as_of).to_have_value("23-07-2026")
    await expect(as_of).to_be_focused()
    await expect(main.get_by_test_id("as-of-input-spelled")).to_have_text("23 July 2026")

    # Escape closes without choosing; focus is back in the field.
    await main.get_by_test_id("as-of-input-calendar").click()
    await expect(calendar).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(calendar).to_be_hidden()
    await expect(as_of).to_have_value("23-07-2026")

    await main.get_by_label("Format").select_option("csv")
    async with page.expect_request(
        lambda r: r.url.endswith("/api/v1/exports/jobs") and r.method == "POST"
    ) as sent:
        await main.get_by_test_id("export-button").click()
    body: dict[str, Any] = json.loads((await sent.value).post_data or "{}")
    assert body["params"]["as_of"] == "2026-07-23", body
    await screenshot()


async def test_a_date_is_picked_by_tapping_on_a_phone(
    web: WebStack, browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest
) -> None:
    # The calendar opens on today in the tenant's zone; the test taps the 10th of next month.
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    month_name = datetime(year, month, 1).strftime("%B")
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="en-IN"
    )
    phone = await context.new_page()
    watch(phone, console)
    try:
        await open_app(phone, web, web.user_token)
        await phone.get_by_role("button", name="Menu").tap()
        main = await go(phone, "Email audit")
        await expect(main.get_by_test_id("audit-page")).to_contain_text("Page 1")  # loaded
        filters = main.get_by_test_id("audit-filters")
        await filters.get_by_test_id("audit-filter-from").fill("01-04-2026")
        await filters.get_by_test_id("audit-filter-to-calendar").tap()
        calendar = phone.get_by_role("dialog", name="Choose a date: To date")
        await expect(calendar).to_be_visible()
        box = await calendar.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        await calendar.get_by_role("button", name="Next month").tap()
        await expect(calendar.get_by_role("heading")).to_have_text(f"{month_name} {year}")
        await phone.screenshot(path=screenshot_path(request.node.name, "calendar"))
        day_button = calendar.get_by_role("button", name=re.compile(f", 10 {month_name} {year}$"))
        async with phone.expect_request(lambda r: "/api/v1/email-audit?" in r.url) as asked:
            await day_button.tap()
        url = (await asked.value).url
        assert "from_date=2026-04-01" in url, url
        assert f"to_date={year}-{month:02d}-10" in url, url
        await expect(calendar).to_be_hidden()
        await expect(filters.get_by_test_id("audit-filter-to")).to_have_value(
            f"10-{month:02d}-{year}"
        )
        await expect(main.get_by_test_id("audit-period")).to_have_text(
            f"Sent 1 April 2026 \N{EN DASH} 10 {month_name} {year}"
        )
        await phone.screenshot(path=screenshot_path(request.node.name), full_page=True)
        assert not console.errors, console.errors
    finally:
        await context.close()


async def test_dates_speak_marathi_in_a_marathi_session(
    web: WebStack, browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest
) -> None:
    sub = f"user-mr-{uuid.uuid4().hex[:6]}"
    marathi = mint_token(
        web.stack.settings,
        user_id=sub,
        tenant_id=web.tenant,
        role="user",
        email=f"{sub}@{web.domain}",
        locale="mr-IN",
    )
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="mr-IN")
    page = await context.new_page()
    watch(page, console)
    try:
        await page.goto(web.app_url(marathi))
        form = page.locator("#main form").first
        start, end = form.get_by_test_id("from-date"), form.get_by_test_id("to-date")
        await start.fill("01-04-2026")
        await end.fill("30-11-2026")
        await end.press("Tab")
        await expect(form.get_by_test_id("period-summary")).to_have_text(
            "कालावधी: 1 एप्रिल, 2026 \N{EN DASH} 30 नोव्हेंबर, 2026 (244 दिवस)"
        )
        await expect(form).to_contain_text("दिवस-महिना-वर्ष")
        await end.fill("31-02-2026")
        await end.press("Tab")
        await expect(form.locator(".field-error").filter(has_text="उदा.")).to_be_visible()
        await end.fill("30-11-2026")
        await end.press("Alt+ArrowDown")
        calendar = page.get_by_role("dialog", name=re.compile("^तारीख निवडा"))
        await expect(calendar.get_by_role("heading")).to_have_text("नोव्हेंबर 2026")
        await expect(calendar.locator("thead th").first).to_have_text("रवि")
        await expect(calendar.get_by_role("button", name="पुढील महिना")).to_be_visible()
        await page.screenshot(path=screenshot_path(request.node.name), full_page=True)
        await page.keyboard.press("Escape")
        assert not console.errors, console.errors
    finally:
        await context.close()
