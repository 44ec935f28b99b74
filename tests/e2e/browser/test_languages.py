"""The web app in English, मराठी and हिन्दी: the browser's language on first sight, the header's
switch changing the words at once (no reload) and saving the choice for that user.

Screenshots go to tests/e2e/browser/screenshots/lang-*.png (git-ignored)."""

from __future__ import annotations

import json
import re
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


async def test_the_switch_keeps_what_was_typed(
    web: WebStack, browser: Browser, console: ConsoleWatch
) -> None:
    """A half-filled form survives the switch: the labels change, the typed and chosen values
    stay (text, a list of lines, a select, a hand-typed date, checkboxes), nothing is sent, and
    the picker keeps the focus."""
    async with browser_page(browser, console, "en-IN") as page:
        await page.goto(web.app_url(person(web)))
        await expect(page.locator("#main h1")).to_have_text("Ledger report")
        await show(page, "/statement-runs", "Statement runs")
        form = page.get_by_test_id("run-form")
        await expect(form.get_by_test_id("run-start")).to_be_visible()
        await form.get_by_test_id("run-selection").select_option("ledgers")
        await form.get_by_test_id("run-ledgers").fill("Alpha Traders\nगणेश स्टील सेंटर")
        await form.get_by_test_id("from-date").fill("01-04-2026")
        await form.get_by_test_id("run-format").select_option("xlsx")
        await form.get_by_test_id("confirm-balance").check()
        await form.get_by_test_id("skip-email").uncheck()
        starts = []
        page.on("request", lambda r: starts.append(r) if r.method == "POST" else None)

        for language in ("hi", "mr"):
            words = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
            await page.get_by_test_id("language-select").select_option(language)
            await expect(page.locator("#main h1")).to_have_text(words["screen.statement_runs"])
            await expect(form.get_by_test_id("run-start")).to_have_text(words["runs.start"])
            await expect(form.get_by_test_id("run-selection")).to_have_value("ledgers")
            await expect(form.get_by_test_id("run-ledgers")).to_be_visible()
            await expect(form.get_by_test_id("run-ledgers")).to_have_value(
                "Alpha Traders\nगणेश स्टील सेंटर"
            )
            await expect(form.get_by_test_id("run-group")).to_be_hidden()
            await expect(form.get_by_test_id("run-period")).to_have_value("custom")
            await expect(form.get_by_test_id("from-date")).to_have_value("01-04-2026")
            await expect(form.get_by_test_id("run-format")).to_have_value("xlsx")
            await expect(form.get_by_test_id("confirm-balance")).to_be_checked()
            await expect(form.get_by_test_id("skip-email")).not_to_be_checked()
            await expect(form.get_by_test_id("skip-zero")).to_be_checked()
            await expect(page.get_by_test_id("language-select")).to_be_focused()
            await expect(page.locator("#status")).not_to_have_class(re.compile(r"\berror\b"))
            await shot(page, f"{language}-kept-input")
        # Only the saved language went to the server: nothing was started by switching.
        assert not [r for r in starts if "/statement-runs" in r.url], starts


async def test_the_tokens_locale_comes_before_the_browser(
    web: WebStack, browser: Browser, console: ConsoleWatch
) -> None:
    token = person(web, locale="hi-IN")
    async with browser_page(browser, console, "mr-IN") as page:
        await page.goto(web.app_url(token))
        await expect(page.locator("#main h1")).to_have_text("लेजर विवरण")
        await expect(page.get_by_test_id("language-select")).to_have_value("hi")


# --- a walk through every screen in Marathi and in Hindi ---------------------------------------

WEB = Path(__file__).resolve().parents[3] / "services/api-gateway/api_gateway/web"
# Screens by path and the catalogue key of their title; admin screens sit behind "Administration".
SCREENS = [
    ("/ledger", "screen.ledger"),
    ("/outstanding", "screen.outstanding"),
    ("/statement-runs", "screen.statement_runs"),
    ("/exports", "screen.exports"),
    ("/schedules", "screen.schedules"),
    ("/confirmations", "screen.confirmations"),
    ("/audit", "screen.audit"),
    ("/admin/email-settings", "screen.email_settings"),
    ("/admin/company", "screen.company_profile"),
    ("/admin/tally-import", "screen.tally_import"),
    ("/admin/party-directory", "screen.party_directory"),
    ("/admin/distribution-lists", "screen.distribution_lists"),
]
PHONE_SHOTS = ("/ledger", "/schedules", "/audit", "/admin/party-directory")
# Latin words a Marathi or Hindi screen may show: terms of trade written in English in Indian
# books too, the product's and Tally's names and menu words, and parts of addresses.
LATIN_ALLOWED = {
    "pdf", "csv", "xlsx", "excel", "gstin", "pan", "smtp", "starttls", "ssl", "tls", "iana", "cron",
    "xml", "utf", "tally", "ledgerpost", "display", "list", "of", "accounts", "day", "book",
    "asia", "kolkata", "bcc", "imap", "dns", "reply", "to", "ledger_name", "party_name", "cc",
    "language", "en", "mr", "hi", "english", "pvt", "ltd", "example", "com", "in", "yyyy",
    "sundry", "debtors", "creditors", "inbox", "ist", "utc",
}  # fmt: skip

# Text a person reads on the page: text nodes outside table cells, code and the user line
# (those hold the books' own names and addresses), and the words of labels for assistive
# technology (aria-label, placeholder, title).
VISIBLE_TEXT = """() => {
  const texts = [];
  const skip = (node) => node.closest("script, style, td, code, #who, datalist, [translate=no]");
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || skip(parent) || !node.textContent.trim()) continue;
    if (parent.closest("[hidden]") || getComputedStyle(parent).display === "none") continue;
    texts.push(node.textContent.trim());
  }
  for (const node of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
    if (skip(node)) continue;
    for (const name of ["aria-label", "placeholder", "title"]) {
      const value = node.getAttribute(name);
      if (value && value.trim()) texts.push(value.trim());
    }
  }
  return texts;
}"""
NAV_ON_ONE_LINE = """() => {
  const items = [...document.querySelectorAll("#nav > ul > li")];
  const tops = new Set(items.map((li) => Math.round(li.getBoundingClientRect().top)));
  const list = document.querySelector("#nav > ul");
  return { lines: tops.size, fits: list.scrollWidth <= list.clientWidth, count: items.length };
}"""


def english_fragments(language: str) -> set[str]:
    """Pieces of English catalogue texts (between placeholders) that the other language says
    differently: on its screens, any of them is a string someone forgot to translate."""
    english = json.loads((WEB / "i18n" / "en.json").read_text("utf-8"))
    other = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
    pieces = set()
    for key, text in english.items():
        if other[key] == text:
            continue
        for piece in re.split(r"\{\w+\}", text):
            piece = piece.strip(" .,:;()…")
            if len(piece) >= 8 and " " in piece:
                pieces.add(piece)
    return pieces


def english_left(texts: list[str], fragments: set[str], data: tuple[str, ...] = ()) -> list[str]:
    """The texts with English words left, once addresses, file names and `data` (names from
    the books shown as they are written) are set aside."""
    left = []
    for text in texts:
        words = re.sub(r"\S+@\S+|\S+\.(?:xml|csv|pdf|xlsx)\b|https?://\S+", " ", text)
        for name in data:
            words = words.replace(name, " ")
        # Whole tokens: an id or a code with digits ("27AAPFU0939F1ZV", "admin-c4bd20") is data.
        tokens = [w for w in re.split(r"[^\w-]+", words) if re.fullmatch(r"[A-Za-z_]{3,}", w)]
        latin = [w for w in tokens if w.lower() not in LATIN_ALLOWED]
        if latin or any(fragment in text for fragment in fragments):
            left.append(text)
    return left


async def show(page: Page, path: str, title: str) -> None:
    await page.evaluate(f"window.location.hash = '#{path}'")
    await expect(page.locator("#main h1")).to_have_text(title)
    await page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("language", ["mr", "hi"])
async def test_every_screen_in_marathi_and_hindi_at_desktop_and_phone_width(
    web: WebStack, browser: Browser, console: ConsoleWatch, language: str
) -> None:
    console.allow_http(404, "/party-emails/lookup")  # a ledger without a directory entry
    words = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
    fragments = english_fragments(language)
    async with browser_page(browser, console, "en-IN") as page:
        await page.goto(web.app_url(person(web, "admin")))
        await expect(page.locator("#main h1")).to_have_text("Ledger report")
        # Navigation on one line at 1,280 px in English too, before switching.
        assert (await page.evaluate(NAV_ON_ONE_LINE))["lines"] == 1
        await page.get_by_test_id("language-select").select_option(language)
        await expect(page.locator("#main h1")).to_have_text(words["screen.ledger"])
        nav = await page.evaluate(NAV_ON_ONE_LINE)
        assert nav == {"lines": 1, "fits": True, "count": nav["count"]}, nav

        problems = {}
        for path, key in SCREENS:
            await show(page, path, words[key])
            if path.startswith("/admin"):  # the menu the link sits in, open in the picture
                await page.get_by_test_id("nav-admin").click()
            left = english_left(await page.evaluate(VISIBLE_TEXT), fragments)
            if left:
                problems[path] = left
            await shot(page, f"{language}-1280{path.replace('/', '-')}")
            await page.keyboard.press("Escape")

        # The dialogs: a ledger statement's email (To looked up in the party directory) and a
        # new schedule (its recurrence previewed by the server).
        ledger = (await web.ledgers())[0]["name"]
        await show(page, "/ledger", words["screen.ledger"])
        await page.get_by_test_id("ledger-input").fill(ledger)
        await page.get_by_test_id("email-button").click()
        dialog = page.get_by_role("dialog")
        await expect(dialog.get_by_test_id("send-button")).to_have_text(words["email.send"])
        await page.wait_for_load_state("networkidle")
        dialogs = {"email": english_left(await page.evaluate(VISIBLE_TEXT), fragments, (ledger,))}
        await shot(page, f"{language}-1280-email-dialog")
        await page.keyboard.press("Escape")
        await show(page, "/schedules", words["screen.schedules"])
        await page.get_by_test_id("new-schedule").click()
        await expect(page.get_by_test_id("preview-runs").get_by_role("listitem")).to_have_count(5)
        dialogs["schedule"] = english_left(await page.evaluate(VISIBLE_TEXT), fragments)
        await shot(page, f"{language}-1280-schedule-form")
        await page.keyboard.press("Escape")
        problems.update({name: left for name, left in dialogs.items() if left})

        await page.set_viewport_size({"width": 390, "height": 844})
        for path, key in SCREENS:
            await show(page, path, words[key])
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width} px wide at 390 px"
            if path in PHONE_SHOTS:
                await shot(page, f"{language}-390{path.replace('/', '-')}")
        # The phone menu closes once a link is followed.
        await page.get_by_role("button", name=words["shell.menu"]).click()
        await (
            page.get_by_role("navigation").get_by_role("link", name=words["screen.exports"]).click()
        )
        await expect(page.locator("#main h1")).to_have_text(words["screen.exports"])
        await expect(page.locator("#nav")).to_be_hidden()
        await expect(page.get_by_role("button", name=words["shell.menu"])).to_have_attribute(
            "aria-expanded", "false"
        )
    assert not problems, f"English left on the {language} screens: {problems}"


async def test_the_sign_in_page_speaks_the_browsers_language(
    web: WebStack, browser: Browser, console: ConsoleWatch
) -> None:
    console.allow_http(404, "/dev/sign-in")  # outside development the host signs people in
    words = json.loads((WEB / "i18n" / "hi.json").read_text("utf-8"))
    async with browser_page(browser, console, "hi-IN", width=390) as page:
        await page.goto(web.gateway)
        await expect(page.locator("#main h1")).to_have_text(words["signin.title"])
        await expect(page.locator("#main .notice")).to_have_text(words["signin.from_host"])
        await expect(page.locator("html")).to_have_attribute("lang", "hi")
        await shot(page, "hi-390-sign-in")
        # Signed in (the host hands over a token): the same tab, now with the user's screens.
        await page.goto(web.app_url(person(web)))
        await expect(page.locator("#main h1")).to_have_text(words["screen.ledger"])
