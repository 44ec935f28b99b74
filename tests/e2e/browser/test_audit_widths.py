"""The email audit fits at desktop width (1,280 px), on a tablet (768 px) and on a 390 px phone:
Status first, every column shown, nothing wider than the screen. Saves a screenshot at each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.stack import free_port

from .actions import go, open_app
from .harness import ConsoleWatch, WebStack, configure_smtp, expect, screenshot_path

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Browser, Locator, Page

pytestmark = pytest.mark.e2e
COLUMNS = ["Status", "Time", "Report", "Recipients", "Subject", "Delivery", "SMTP reply or error"]


async def send(web: WebStack, ledger: str, to: str, cc: str, subject: str, want: str) -> None:
    """A ledger statement emailed through the API, followed until it is `want`."""
    response = await web.api(
        "POST",
        "/reports/ledger/email",
        json={
            "ledger": ledger,
            "from_date": "2026-04-01",
            "to_date": "2026-11-30",
            "format": "csv",
            "to": [to],
            "cc": [cc],
            "subject": subject,
        },
    )
    assert response.status_code == 202, response.text
    await web.wait_for_status(f"/emails/{response.json()['email_id']}", want)


async def fits(table: Locator) -> dict[str, Any]:
    """The table's width against its box's, and any cell outside the box or hidden."""
    measured: dict[str, Any] = await table.evaluate(
        """(wrap) => {
          const box = wrap.getBoundingClientRect();
          const cells = [...wrap.querySelectorAll("tbody td")];
          const outside = cells.filter((td) => {
            const r = td.getBoundingClientRect();
            return r.width === 0 || r.left < box.left - 1 || r.right > box.right + 1;
          }).map((td) => td.dataset.label);
          return { scroll: wrap.scrollWidth, client: wrap.clientWidth,
                   page: document.documentElement.scrollWidth, window: window.innerWidth,
                   outside, cells: cells.length };
        }"""
    )
    return measured


async def show_mine(page: Page, web: WebStack, prefix: str) -> Locator:
    await open_app(page, web, web.admin_token)
    if (page.viewport_size or {}).get("width", 0) < 640:
        await page.get_by_role("button", name="Menu").click()
    main = await go(page, "Email audit")
    filters = main.get_by_test_id("audit-filters")
    await filters.get_by_test_id("audit-filter-recipient").fill(prefix)
    # The filtered page replaces the first one (which may have two rows of its own).
    async with page.expect_response(lambda r: f"recipient={prefix}" in r.url):
        await filters.get_by_test_id("audit-apply").click()
    # Busy from the request until the page is drawn.
    await expect(main.locator("div[aria-busy]")).to_have_attribute("aria-busy", "false")
    table = main.get_by_test_id("audit-table")
    await expect(table.locator("tbody tr")).to_have_count(2)
    return table


async def test_the_audit_fits_at_desktop_and_phone_width_status_first(
    web: WebStack, browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest
) -> None:
    ledger = (await web.ledgers())[0]["name"]
    prefix = web.address("audit-width").split("@")[0]
    subject = "Statement of account for the financial year 2026-27, with every voucher"
    await configure_smtp(web, port=free_port())  # refused: a failed attempt with its reason
    try:
        await send(
            web, ledger, f"{prefix}-a@party-side.example", web.address("cc"), subject, "failed"
        )
    finally:
        await configure_smtp(web)
    await send(web, ledger, f"{prefix}-b@party-side.example", web.address("cc"), subject, "sent")

    widths = ((1280, 900, "desktop"), (768, 1024, "tablet"), (390, 844, "phone"))
    for width, height, name in widths:
        context = await browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=width < 640, locale="en-IN"
        )
        page = await context.new_page()
        page.on("console", console.on_console)
        page.on("pageerror", console.on_page_error)
        try:
            table = await show_mine(page, web, prefix)
            await expect(table).to_be_visible()
            measured = await fits(table)
            assert measured["scroll"] <= measured["client"], (name, measured)
            assert measured["page"] <= measured["window"], (name, measured)
            assert measured["outside"] == [] and measured["cells"] == 2 * len(COLUMNS), measured
            first_row = table.locator("tbody tr").first
            if width >= 640:
                headings = await table.locator("thead th").all_inner_texts()
                assert headings == COLUMNS, headings
            else:  # one card per row, each value labelled, Status on top
                labels = [
                    await td.get_attribute("data-label")
                    for td in await first_row.locator("td").all()
                ]
                assert labels == COLUMNS, labels
            await expect(
                first_row.locator("td").first.get_by_test_id("audit-status")
            ).to_be_visible()
            failed = table.locator("tbody tr").filter(has_text=f"{prefix}-a@")
            await expect(failed).to_contain_text("refused the connection")
            await page.screenshot(path=screenshot_path(request.node.name, name), full_page=True)
        finally:
            await context.close()
    assert not console.errors, console.errors
