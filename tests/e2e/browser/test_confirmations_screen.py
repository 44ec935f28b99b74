"""Balance confirmations in Chromium: three parties asked by ledger emails with
confirm_balance; one answers in Marathi on its phone (the public page, no login, no
JavaScript needed), one confirms; the Confirmations screen lists them by answer with the
dispute's difference, exports the auditor's CSV and PDF, and reads at 1,280 and 390 px."""

from __future__ import annotations

import json
import re
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from shared.infra.tokens import mint_service_token
from tests.factories import auth_header

from .actions import go, open_app
from .harness import WORK_TIMEOUT_MS, Screenshot, WebStack, expect, screenshot_path

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Browser, Page

pytestmark = pytest.mark.e2e

_LINK = re.compile(r"https?://\S+/confirm/[A-Za-z0-9_-]+")


async def _ask(web: WebStack, ledger: str, language: str) -> str:
    """A ledger email asking the party to confirm; the path of the link it carried."""
    to = web.address("party", "example.in")
    body = {
        "ledger": ledger,
        "from_date": "2025-04-01",
        "to_date": "2026-03-31",
        "format": "csv",
        "to": [to],
        "language": language,
        "confirm_balance": True,
    }
    sent = await web.api("POST", "/reports/ledger/email", json=body)
    assert sent.status_code == 202, sent.text
    assert sent.json()["confirmation_id"]
    message = await web.wait_for_mail(to)
    [text] = [
        part.get_payload(decode=True).decode()
        for part in message.walk()
        if part.get_content_type() == "text/plain"
    ]
    [link] = _LINK.findall(text)
    return urlsplit(link).path


async def _rename(web: WebStack, name: str, new: str) -> str:
    """`name` renamed through the books API, as the host application does it (its first sync
    claims the demo ledger by name, the second renames it); the new name."""
    [ledger] = [item for item in await web.ledgers() if item["name"] == name]
    row = {key: ledger[key] for key in ("name", "party_name", "gstin", "address")}
    row.update(id=f"host-{uuid.uuid4().hex[:8]}", group=ledger["group_name"])
    token = mint_service_token(web.stack.settings, service_id="host-app", scopes=("books:write",))
    for body in (row, {**row, "name": new}):
        synced = await web.client.post(
            f"/api/v1/tenants/{web.tenant}/books/ledgers",
            content=json.dumps(body, ensure_ascii=False).encode() + b"\n",
            headers={**auth_header(token), "Content-Type": "application/x-ndjson"},
        )
        assert synced.status_code == 200 and synced.json()["errors"] == [], synced.text
    return new


async def test_parties_answer_and_the_screen_lists_and_exports_them(
    web: WebStack, page: Page, browser: Browser, screenshot: Screenshot
) -> None:
    debtors = [
        item["name"]
        for item in await web.ledgers()
        if item["group_name"] == "Sundry Debtors" and not item["has_directory_entry"]
    ]
    disputing, confirming, silent = debtors[-3:]
    dispute_path = await _ask(web, disputing, "mr")
    confirm_path = await _ask(web, confirming, "en")
    await _ask(web, silent, "hi")

    # The Marathi party disagrees from its phone.
    phone = await browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="mr-IN"
    )
    party = await phone.new_page()
    await party.goto(web.gateway + dispute_path)
    await expect(party.locator("h2").first).to_have_text("शिल्लक पुष्टी")
    await expect(party.get_by_test_id("balance")).to_contain_text("₹")
    overflow = await party.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"
    await party.evaluate("document.fonts.ready.then(() => true)")  # the Devanagari font loaded
    await party.screenshot(path=screenshot_path("confirmation_page_mr_phone"), full_page=True)
    await party.get_by_label("रक्कम (₹)").fill("1,00,000")
    await party.get_by_label("टीप (ऐच्छिक)").fill("<b>बिल क्र. 101</b> अजून मिळाले नाही")
    await party.get_by_test_id("disagree").click()
    await expect(party.locator(".notice.good")).to_have_text("धन्यवाद. आपले उत्तर नोंदवले आहे.")
    await expect(party.locator(".notice.bad")).to_contain_text("<b>बिल क्र. 101</b>")
    await party.evaluate("document.fonts.ready.then(() => true)")
    await party.screenshot(path=screenshot_path("confirmation_page_mr_phone", "answered"))
    await phone.close()

    # The English party confirms in a desktop browser.
    desk = await browser.new_context(viewport={"width": 1280, "height": 900})
    other = await desk.new_page()
    await other.goto(web.gateway + confirm_path)
    await other.get_by_test_id("confirm").click()
    await expect(other.locator(".notice.good").first).to_contain_text("Your answer is recorded")
    await other.screenshot(path=screenshot_path("confirmation_page_en"), full_page=True)
    await desk.close()

    await open_app(page, web, web.admin_token)
    main = await go(page, "Balance confirmations")
    tabs = main.get_by_test_id("confirmations-filter")
    await expect(tabs.locator('[data-status="disputed"]')).to_contain_text("(1)")
    await expect(tabs.locator('[data-status="confirmed"]')).to_contain_text("(1)")
    rows = main.get_by_test_id("confirmations-table").locator("tbody tr")
    await expect(rows.filter(has_text=disputing)).to_contain_text("disputed")
    await expect(rows.filter(has_text=disputing)).to_contain_text("1,00,000.00")
    await screenshot()

    await tabs.locator('[data-status="disputed"]').click()
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(disputing)

    await main.get_by_test_id("export-csv").click()
    panel = main.get_by_test_id("export-panel")
    await expect(panel.get_by_test_id("download-button")).to_be_visible(timeout=WORK_TIMEOUT_MS)
    async with page.expect_download() as info:
        await panel.get_by_test_id("download-button").click()
    download = await info.value
    csv_text = (await download.path()).read_text("utf-8-sig")
    assert disputing in csv_text and "Disputed" in csv_text and confirming not in csv_text
    await main.get_by_test_id("export-pdf").click()
    await expect(panel.get_by_test_id("download-button")).to_be_visible(timeout=WORK_TIMEOUT_MS)
    await expect(panel).to_contain_text(".pdf")

    await tabs.locator('[data-status=""]').click()
    await expect(rows.filter(has_text=silent)).to_contain_text("no reply")
    await page.set_viewport_size({"width": 390, "height": 844})
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the screen is {overflow} px wider than the phone"
    await screenshot("phone")


async def test_a_statement_runs_page_leads_to_its_confirmations(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    debtors = [
        item["name"]
        for item in await web.ledgers()
        if item["group_name"] == "Sundry Debtors" and not item["has_directory_entry"]
    ]
    ledger = debtors[-4]
    entry = {"ledger_name": ledger, "to": [web.address("party", "example.in")]}
    assert (await web.api("POST", "/party-emails", json=entry)).status_code == 201
    body = {
        "ledgers": [ledger],
        "from_date": "2025-04-01",
        "to_date": "2026-03-31",
        "format": "csv",
        "confirm_balance": True,
    }
    started = await web.api("POST", "/statement-runs", json=body)
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    # The host renames the ledger afterwards (a name that sorts beside the old one, so the
    # package's other tests list the same ledgers): the screen shows the books' name now and
    # the name the statement carried.
    renamed = await _rename(web, ledger, f"{ledger} (Pune)")

    await open_app(page, web, web.admin_token)
    await page.goto(f"{web.gateway}/#/statement-runs/{run_id}")
    await page.get_by_test_id("run-confirmations").click()
    main = page.locator("#main")
    await expect(main.get_by_role("heading", level=1)).to_have_text("Balance confirmations")
    await expect(main.get_by_test_id("confirmations-run")).to_have_value(run_id)
    rows = main.get_by_test_id("confirmations-table").locator("tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text(renamed)
    await expect(rows.first).to_contain_text(f"sent as {ledger}")
    await screenshot()
