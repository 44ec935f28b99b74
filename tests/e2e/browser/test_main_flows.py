"""The main flows walked in English, मराठी and हिन्दी, as an accountant does them: sign in, a
Devanagari party's ledger previewed, exported and downloaded (its name kept through
`filename*`), emailed with the To from the party directory, a send refused by the SMTP server
and tried again, the outstanding report refused for an outside address, a schedule previewed and
created, and the email audit at 1,280 and 390 px.

The language is the user's choice (saved through `PUT /api/v1/me`, shown by the header's switch).
Every step is checked with the catalogue's words and, in Marathi and Hindi, for English left on
screen (the language walk's rules, test_languages.py). Each step saves
tests/e2e/browser/screenshots/flow-<lang>-<step>.png (git-ignored) for a person to look at."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from shared.domain.file_names import safe_part
from tests.e2e.stack import free_port
from tests.factories import create_ledger

from .harness import WORK_TIMEOUT_MS, ConsoleWatch, WebStack, configure_smtp, expect
from .test_languages import (
    VISIBLE_TEXT,
    WEB,
    browser_page,
    english_fragments,
    english_left,
    person,
)

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Browser, Locator, Page

    from shared.infra.runtime import Infrastructure

pytestmark = pytest.mark.e2e

SHOTS = Path(__file__).resolve().parent / "screenshots"
# A party of each walk, named in Devanagari as many Indian books name them.
# Names no other browser test gives a ledger of the shared tenant (the Tally import test brings
# "श्री गणेश ट्रेडर्स"): a ledger name is unique per tenant.
PARTIES = {"en": "गणेश स्टील सेंटर", "mr": "साई कृपा एंटरप्रायझेस", "hi": "राम वस्त्र भंडार"}


def catalogue(language: str) -> dict[str, str]:
    words: dict[str, str] = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
    return words


def fixed(text: str) -> str:
    """The longest part of a catalogue text between its placeholders (what a screen shows
    whatever the values)."""
    return max((p.strip(" .,:;…") for p in re.split(r"\{\w+\}", text)), key=len)


def strings(value: object) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def this_financial_year_days() -> list[date]:
    """Three days of the tenant's (IST) current financial year, up to today."""
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    return [start, start + (today - start) // 2, today]


class Walk:
    """One language's walk: its words, the screenshots and the English found on the way."""

    def __init__(self, page: Page, language: str, data: tuple[str, ...]) -> None:
        self.page = page
        self.language = language
        self.words = catalogue(language)
        self.fragments = english_fragments(language) if language != "en" else set()
        self.data = data
        self.english: dict[str, list[str]] = {}

    async def step(self, name: str) -> None:
        """Save the step's screenshot; outside English, note any English words left."""
        await self.page.screenshot(path=SHOTS / f"flow-{self.language}-{name}.png", full_page=True)
        if self.language == "en":
            return
        left = english_left(await self.page.evaluate(VISIBLE_TEXT), self.fragments, self.data)
        if left:
            self.english[name] = left

    async def go(self, key: str) -> Locator:
        """Follow the main navigation's link to screen `key` (its words in the catalogue)."""
        nav = self.page.get_by_role("navigation", name=self.words["shell.navigation"])
        await nav.get_by_role("link", name=self.words[key]).click()
        main = self.page.locator("#main")
        await expect(main.get_by_role("heading", level=1)).to_have_text(self.words[key])
        return main


async def send(page: Page, dialog: Locator, endpoint: str, status: int) -> None:
    """Press Send and check the server's answer."""
    async with page.expect_response(
        lambda r: r.url.endswith(endpoint) and r.request.method == "POST"
    ) as answer:
        await dialog.get_by_test_id("send-button").click()
    assert (await answer.value).status == status, await (await answer.value).text()


@pytest.mark.parametrize("language", ["en", "mr", "hi"])
async def test_the_main_flows_in_each_language(
    web: WebStack,
    browser: Browser,
    console: ConsoleWatch,
    infra: Infrastructure,
    language: str,
) -> None:
    console.allow_http(404, "/dev/sign-in")  # outside development the host signs people in
    console.allow_http(409, "/api/v1/reports/outstanding/email")  # the refusal under test
    SHOTS.mkdir(exist_ok=True)
    party = PARTIES[language]
    days = this_financial_year_days()
    entries = [
        (days[0], Decimal("12500.00"), Decimal("0")),
        (days[1], Decimal("0"), Decimal("4000.00")),
    ]
    await create_ledger(infra.uow(), web.tenant, name=party, entries=entries)
    party_address = web.address("party", "party-side.example")
    entry = {"ledger_name": party, "to": [party_address], "language": language}
    created = await web.api("POST", "/party-emails", json=entry)
    assert created.status_code == 201, created.text
    schedule_name = f"{party} · {language}"
    token = person(web)

    async with browser_page(browser, console, f"{language}-IN") as page:
        # Set aside: names from the books and the host's sign-in link syntax.
        walk = Walk(page, language, (party, schedule_name, "#token=..."))
        words = walk.words
        main = page.locator("#main")

        # --- sign in: the sign-in page in the browser's language, then the saved choice.
        await page.goto(web.gateway)
        await expect(main.locator("h1")).to_have_text(words["signin.title"])
        await walk.step("sign-in")
        saved = await web.api("PUT", "/me", token=token, json={"language": language})
        assert saved.status_code == 200, saved.text
        await page.goto(web.app_url(token))
        await expect(main.locator("h1")).to_have_text(words["screen.ledger"])
        await expect(page.get_by_test_id("language-select")).to_have_value(language)
        await expect(page.locator("html")).to_have_attribute("lang", language)

        # --- the ledger previewed on screen, in the party's (= the walk's) language.
        form = page.get_by_role("form", name=words["screen.ledger"])
        await form.get_by_test_id("ledger-input").fill(party)
        await expect(form.get_by_test_id("directory-status")).to_contain_text(
            fixed(words["ledger.has_directory_entry"])
        )
        await form.get_by_test_id("period-select").select_option("this_fy")
        params = {
            "ledger": party,
            "from_date": str(days[0].replace(day=1)),
            "to_date": str(days[2]),
        }
        preview_api = await web.api("GET", "/reports/ledger/preview", params=params)
        assert preview_api.status_code == 200, preview_api.text
        await form.get_by_test_id("preview-button").click()
        preview = page.get_by_test_id("report-preview")
        await expect(preview.locator(".doc-title")).to_have_text(preview_api.json()["title"])
        # The letterhead is the company's own words (its address as the books write it).
        walk.data += tuple(strings(preview_api.json()["company"]))
        await expect(preview.locator("tbody.doc-body tr")).to_have_count(2)
        await expect(preview).to_contain_text("9,500.00")  # 1,000 + 12,500 - 4,000
        await walk.step("ledger-preview")

        # --- exported and downloaded: the file keeps the party's Devanagari name.
        await form.locator("select[name=format]").select_option("csv")
        await form.get_by_test_id("export-button").click()
        status = page.get_by_test_id("job-status")
        await expect(status).to_have_attribute("data-status", "succeeded", timeout=WORK_TIMEOUT_MS)
        await expect(status).to_contain_text(fixed(words["export.job_ready.other"]))
        async with (
            page.expect_response(lambda r: "/download" in r.url) as answered,
            page.expect_download() as downloading,
        ):
            await page.get_by_test_id("download-button").click()
        name = (await downloading.value).suggested_filename
        assert name.startswith(f"Ledger_{safe_part(party)}~") and name.endswith(".csv"), name
        disposition = (await answered.value).headers["content-disposition"]
        assert f"filename*=UTF-8''{quote(name)}" in disposition, disposition
        await expect(page.locator("#status")).to_contain_text(fixed(words["export.downloaded"]))
        await walk.step("export-download")

        # --- emailed: the To filled from the party directory.
        await form.get_by_test_id("email-button").click()
        dialog = page.get_by_role("dialog")
        await expect(dialog.get_by_test_id("to-input")).to_have_value(party_address)
        await expect(dialog.get_by_test_id("to-source")).to_have_text(words["email.from_directory"])
        await send(page, dialog, "/api/v1/reports/ledger/email", 202)
        result = dialog.get_by_test_id("email-result")
        sent_to = fixed(words["email.sent_to"])
        await expect(result).to_contain_text(sent_to, timeout=WORK_TIMEOUT_MS)
        await result.scroll_into_view_if_needed()
        await walk.step("email-autofill")
        await page.keyboard.press("Escape")
        await expect(dialog).to_be_hidden()

        # --- a send the SMTP server refuses, then tried again once it accepts.
        await configure_smtp(web, port=free_port())  # bound and released: refused
        try:
            await form.get_by_test_id("email-button").click()
            await expect(dialog.get_by_test_id("to-input")).to_have_value(party_address)
            await send(page, dialog, "/api/v1/reports/ledger/email", 202)
            failure = dialog.get_by_test_id("send-failure")
            await expect(failure).to_contain_text(
                fixed(words["email.failed_reason"]), timeout=WORK_TIMEOUT_MS
            )
            await expect(failure).to_contain_text(words["send_error.connection_refused"])
            retry = dialog.get_by_role("button", name=words["email.try_again"])
            await expect(retry).to_be_enabled()
            await walk.step("send-refused")
            await configure_smtp(web)
            await retry.click()
            await expect(result).to_contain_text(sent_to, timeout=WORK_TIMEOUT_MS)
            await expect(failure).to_be_hidden()
            await expect(dialog.get_by_test_id("send-button")).to_have_text(
                words["email.sent_button"]
            )
            await walk.step("send-retried")
        finally:
            await configure_smtp(web)
        await page.keyboard.press("Escape")

        # --- the outstanding report refused for an outside address, in the walk's words.
        await walk.go("screen.outstanding")
        await main.get_by_test_id("email-button").click()
        await expect(dialog).to_contain_text(fixed(words["outstanding.internal_only"]))
        outsider = web.address("outsider", "external.example")
        await dialog.get_by_test_id("to-input").fill(outsider)
        await send(page, dialog, "/api/v1/reports/outstanding/email", 409)
        await expect(dialog.get_by_test_id("to-input")).to_have_attribute("aria-invalid", "true")
        await expect(dialog.locator(".field-error").filter(has_text=outsider)).to_have_text(
            words["error.external_recipients"].replace("{value}", outsider)
        )
        await expect(dialog.get_by_role("alert")).not_to_be_empty()
        await walk.step("outstanding-refused")
        await page.keyboard.press("Escape")

        # --- a schedule: its next runs previewed before it is saved, then created.
        schedules = await walk.go("screen.schedules")
        await schedules.get_by_test_id("new-schedule").click()
        schedule_form = page.get_by_role("dialog").get_by_test_id("schedule-form")
        await schedule_form.get_by_test_id("schedule-name").fill(schedule_name)
        await schedule_form.get_by_test_id("schedule-report").select_option("outstanding")
        await schedule_form.get_by_test_id("schedule-recurrence").select_option("daily")
        await schedule_form.get_by_test_id("schedule-time").fill("07:30")
        await schedule_form.get_by_test_id("schedule-to").fill(web.address("schedule"))
        runs = schedule_form.get_by_test_id("preview-runs").get_by_role("listitem")
        await expect(runs).to_have_count(5)
        await expect(runs.first).to_contain_text("07:30")
        await walk.step("schedule-preview")
        await schedule_form.get_by_test_id("save-schedule").click()
        await expect(page.get_by_role("dialog")).to_be_hidden()
        row = schedules.get_by_test_id("schedule-row").filter(has_text=schedule_name)
        await expect(row).to_have_count(1)
        await walk.step("schedule-created")

        # --- the email audit: this walk's attempts, status first, at desktop and phone width.
        audit = await walk.go("screen.audit")
        statuses = audit.get_by_test_id("audit-status")
        await expect(statuses.first).to_be_visible(timeout=WORK_TIMEOUT_MS)
        await expect(audit.locator("thead th").first).to_have_text(words["exports.status"])
        # The refused attempt says why in the walk's words (the server's own words below).
        await expect(audit).to_contain_text(words["send_error.connection_refused"])
        await expect(audit).to_contain_text(words["send_error.policy"])
        # The refusal at request time was never tried: it says so, with no "attempt 0".
        refused = audit.locator("tbody tr").filter(has_text=words["send_error.policy"])
        await expect(refused.first).to_contain_text(words["audit.not_attempted"])
        await expect(audit).not_to_contain_text(words["audit.attempt"].replace("{n}", "0"))
        await walk.step("audit-1280")
        await page.set_viewport_size({"width": 390, "height": 844})
        await expect(statuses.first).to_be_visible()
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the audit is {width} px wide at 390 px"
        await walk.step("audit-390")

    assert not walk.english, f"English left on the {language} walk: {walk.english}"
