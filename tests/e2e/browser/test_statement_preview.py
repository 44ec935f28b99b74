"""The statement preview in Chromium: the ledger and outstanding reports on screen before any
export, paged with "Load more", then printed (print media, `page.pdf`) and set side by side with
the PDF the export-service renders for the same parameters (both through pdftoppm)."""

from __future__ import annotations

import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from tests.pdf_inspect import pdftotext

from .actions import go, open_app, pick_ledger
from .harness import WORK_TIMEOUT_MS, Screenshot, WebStack, expect, screenshot_path

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e

PAGE_ROWS = 100  # REPORT_PREVIEW_PAGE_ROWS' default


def _financial_years() -> dict[str, tuple[date, date]]:
    """The ledger screen's presets "this_fy" and "last_fy", on the tenant's (IST) today."""
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return {
        "this_fy": (start, today),
        "last_fy": (start.replace(year=start.year - 1), start - timedelta(days=1)),
    }


async def _longest_statement(web: WebStack) -> tuple[str, str, dict[str, Any]]:
    """A demo ledger and preset whose statement runs past one preview page (the longest
    under 1,000 rows): (ledger, preset, the API's first page)."""
    best: tuple[str, str, dict[str, Any]] | None = None
    for item in (await web.ledgers())[:25]:
        for preset, (start, end) in _financial_years().items():
            params = {"ledger": item["name"], "from_date": str(start), "to_date": str(end)}
            response = await web.api("GET", "/reports/ledger/preview", params=params)
            assert response.status_code == 200, response.text
            rows = response.json()["body_rows"]
            if PAGE_ROWS < rows < 1000 and (best is None or rows > best[2]["body_rows"]):
                best = (item["name"], preset, {**response.json(), "params": params})
    assert best is not None, "no demo ledger has more than one page of entries"
    return best


def _pdftoppm_first_page(pdf: Path, png: Path) -> Image.Image:
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(png.with_suffix("")),
        ],
        check=True,
    )
    return Image.open(png)


def _side_by_side(left: Image.Image, right: Image.Image, path: Path) -> None:
    sheet = Image.new(
        "RGB", (left.width + right.width + 20, max(left.height, right.height)), "grey"
    )
    sheet.paste(left, (0, 0))
    sheet.paste(right, (left.width + 20, 0))
    sheet.save(path)


async def test_ledger_preview_paged_and_printed_like_its_pdf(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    ledger, preset, api_page = await _longest_statement(web)
    total = api_page["body_rows"]

    await open_app(page, web, web.user_token)
    form = await pick_ledger(page, ledger, "")
    await form.get_by_test_id("period-select").select_option(preset)
    await form.get_by_test_id("preview-button").click()
    preview = page.get_by_test_id("report-preview")
    await expect(preview).to_be_visible()
    await expect(preview.locator(".doc-title")).to_have_text(api_page["title"])
    await expect(preview.get_by_test_id("preview-count")).to_contain_text(
        f"1\u2013{PAGE_ROWS} of {total}"
    )
    body = preview.locator("tbody.doc-body tr")
    await expect(body).to_have_count(PAGE_ROWS)
    await screenshot("first-page")

    # "Load more" until every row is on screen, each exactly once.
    more = preview.get_by_test_id("load-more-button")
    while await more.is_visible():
        shown = await body.count()
        await more.click()
        await expect(body).not_to_have_count(shown)
    await expect(body).to_have_count(total)
    await expect(more).to_be_hidden()
    vouchers = await body.evaluate_all("rows => rows.map(r => r.cells[2].textContent)")
    assert len(set(vouchers)) == total
    closing = preview.locator("tbody.doc-closing tr.closing td").last
    await expect(closing).to_have_text(api_page["closing"][-1]["cells"][-1])
    await screenshot()
    words = await print_beside_the_pdf(web, page, "ledger-preview", api_page)
    for text in (api_page["title"], *api_page["lines"]):
        assert text in words, text
    assert "Page 1 of" in words and api_page["footer"] in words  # the page margins' footer


async def print_beside_the_pdf(
    web: WebStack, page: Page, name: str, api_page: dict[str, Any]
) -> str:
    """Print the open preview (the Print button, then Chromium's print of the print layout),
    export the same statement as PDF, and save page 1 of both side by side
    (`<name>-print-vs-pdf.png`); returns the printout's words (pdftotext)."""
    await page.evaluate("window.print = () => { window.printed = true; }")
    await page.get_by_test_id("print-button").click()
    await page.wait_for_function("window.printed === true")  # every page loaded first

    await page.emulate_media(media="print")
    await page.screenshot(path=screenshot_path(name, "print-media"), full_page=True)
    printed = screenshot_path(name, "printed").with_suffix(".pdf")
    await page.pdf(path=str(printed), prefer_css_page_size=True, print_background=True)
    words = " ".join(pdftotext(printed).split())
    for text in (api_page["company"]["name"], api_page["closing"][-1]["cells"][-1]):
        assert text in words, text

    job = await web.api(
        "POST",
        "/exports/jobs",
        json={"report": "ledger", "format": "pdf", "params": api_page["params"]},
        token=web.user_token,
    )
    assert job.status_code == 202, job.text
    done = await web.wait_for_status(f"/exports/jobs/{job.json()['id']}", "succeeded")
    assert done["language"] == api_page["language"]
    rendered = printed.with_name(f"{name}-export.pdf")
    rendered.write_bytes((await web.api("GET", done["download_url"][len("/api/v1") :])).content)
    _side_by_side(
        _pdftoppm_first_page(printed, printed.with_suffix(".png")),
        _pdftoppm_first_page(rendered, rendered.with_suffix(".png")),
        screenshot_path(name, "print-vs-pdf"),
    )
    return words


async def test_a_marathi_partys_statement_previewed_and_printed_in_marathi(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    # A debtor without a directory entry, from the end of the list (other tests take theirs
    # from the start), gets one in Marathi for this test only.
    debtors = [
        item["name"]
        for item in await web.ledgers()
        if item["group_name"] == "Sundry Debtors" and not item["has_directory_entry"]
    ]
    ledger = debtors[-1]
    start, end = _financial_years()["last_fy"]
    params = {"ledger": ledger, "from_date": str(start), "to_date": str(end)}
    entry = {"ledger_name": ledger, "to": [web.address("party", "example.in")], "language": "mr"}
    created = await web.api("POST", "/party-emails", json=entry)
    assert created.status_code == 201, created.text
    try:
        api_page = (await web.api("GET", "/reports/ledger/preview", params=params)).json()
        api_page["params"] = params
        assert api_page["language"] == "mr"

        await open_app(page, web, web.user_token)
        form = await pick_ledger(page, ledger, "")
        await form.get_by_test_id("period-select").select_option("last_fy")
        await form.get_by_test_id("preview-button").click()
        preview = page.get_by_test_id("report-preview")
        await expect(preview.locator(".doc-title")).to_have_text("खाते उतारा")
        await expect(preview.locator("thead")).to_contain_text("नावे (₹)")
        closing = preview.locator("tbody.doc-closing tr.closing")
        await expect(closing).to_contain_text("अखेरची शिल्लक")
        await expect(closing).to_contain_text(api_page["closing"][-1]["cells"][-1])
        await screenshot()
        words = await print_beside_the_pdf(web, page, "ledger-preview-marathi", api_page)
        assert "पैकी" in words  # "M पैकी पृष्ठ N" in the page margin
    finally:
        await web.api("DELETE", f"/party-emails/{created.json()['id']}")


async def test_outstanding_preview_with_its_totals(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    api_page = (
        await web.api("GET", "/reports/outstanding/preview", params={"kind": "receivable"})
    ).json()
    await open_app(page, web, web.user_token)
    main = await go(page, "Outstanding report")
    await main.get_by_test_id("kind-select").select_option("receivable")
    await main.get_by_test_id("preview-button").click()
    preview = page.get_by_test_id("report-preview")
    await expect(preview.locator(".doc-title")).to_have_text("Outstanding Receivables")
    await expect(preview.locator("tbody.doc-body tr")).to_have_count(
        min(PAGE_ROWS, api_page["body_rows"]), timeout=WORK_TIMEOUT_MS
    )
    grand = preview.locator("tbody.doc-closing tr").first
    await expect(grand).to_contain_text("Grand Total")
    await expect(grand).to_contain_text(api_page["closing"][0]["cells"][5])
    await screenshot()

    # At phone width the page keeps its width; the document's table scrolls in its own box.
    await page.set_viewport_size({"width": 390, "height": 844})
    await expect(preview.get_by_test_id("print-button")).to_be_visible()
    overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone"
    await screenshot("phone")
