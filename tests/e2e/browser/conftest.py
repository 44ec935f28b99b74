"""Fixtures of the browser tests: the real stack, an SMTP sink, a demo tenant and Chromium.

One stack for the whole package (`web`, package-scoped, like `browser`): the four services as
processes (`tests.e2e.stack.Stack`), `scripts/smtp_sink.py` on a free port, a fresh tenant with
demo books (2,000 rows) whose SMTP settings point at the sink (security none, internal domain =
the tenant's), and an admin and a user token. Pages open as `{gateway}/#token={token}`, as the
host application opens the app. The stack, the console watch and the screenshot paths are defined
in harness.py; what a person does in the app is in actions.py.

Browser: Playwright's async API on the session's event loop (pytest-asyncio, `asyncio_mode=auto`),
driving Debian's Chromium (`/usr/bin/chromium`) headless: nothing is downloaded at run time and
`playwright install` is never needed. Each test gets a fresh browser context (its own
sessionStorage, so its own sign-in) and a `console` watch that fails the test on any
`console.error` or uncaught page error; a test declares the HTTP errors it provokes on purpose
(`console.allow_http(409, "/reports/outstanding/email")`), since Chromium logs every 4xx/5xx
response as a console error.

Each test saves `tests/e2e/screenshots/<test name>.png` (git-ignored) with `screenshot()` at the
moment that shows what it checked (some also save `<test name>-<step>.png`); a failing test
saves its last screen there instead. Browser errors in a test that otherwise passed are reported
as an error at its teardown.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.tools.demo import load_demo_data
from tests.conftest import make_settings
from tests.e2e.stack import Stack
from tests.e2e.test_smoke import smtp_sink
from tests.factories import auth_header, random_tenant_id, token_for
from tests.imap_kit.server import ImapServer

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    UI_TIMEOUT_MS,
    ConsoleWatch,
    Screenshot,
    WebStack,
    configure_smtp,
    require_browser,
    screenshot_path,
)

try:  # without the package the fixtures skip first (see harness.require_browser)
    from playwright.async_api import Browser, Error, Page, async_playwright, expect
except ImportError:  # pragma: no cover - exercised only on a machine without playwright
    async_playwright = expect = None  # type: ignore[assignment]


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    """Skip before anything is set up (database, stack) when the browser cannot run."""
    require_browser()


# --- the stack ------------------------------------------------------------------------------


@pytest.fixture(scope="package")
async def web(
    test_database_url: str,
    db_dsn: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> AsyncIterator[WebStack]:
    require_browser()
    extra_env: dict[str, str] = {}
    imap: ImapServer | None
    # The mailbox screen's test signs in to the tests' Dovecot over TLS: trust its certificate
    # when there is one (without Dovecot, only that test skips).
    try:
        imap = request.getfixturevalue("imap_server")
    except pytest.skip.Exception:
        imap = None
    if imap is not None and imap.cafile is not None:
        extra_env["MAIL_SMTP_CA_FILE"] = str(imap.cafile)
        # Read mailboxes every few seconds, so a bounce shows while a test waits for it.
        extra_env["MAILBOX_SCAN_INTERVAL_SECONDS"] = "5"
    root = tmp_path_factory.mktemp("web-stack")
    tenant = random_tenant_id()
    await load_demo_data(db_dsn, tenant_id=tenant, rows=2000)
    settings = make_settings(test_database_url, root / "exports")
    mail_dir = root / "mail"
    with contextlib.ExitStack() as cleanup:
        smtp_port = cleanup.enter_context(smtp_sink(mail_dir, root / "smtp-sink.log"))
        stack = Stack(settings=settings, log_dir=root, extra_env=extra_env)
        stack.start()
        cleanup.callback(stack.stop)
        with httpx.Client(timeout=5) as probe:
            stack.wait_ready(probe)
        async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=30) as client:
            admin_token = token_for(settings, tenant, "admin")
            tenant_info = await client.get("/api/v1/admin/tenant", headers=auth_header(admin_token))
            assert tenant_info.status_code == 200, tenant_info.text
            domains = tenant_info.json()["internal_domains"]
            assert domains, f"the demo tenant has no internal domain: {tenant_info.text}"
            running = WebStack(
                stack=stack,
                client=client,
                mail_dir=mail_dir,
                smtp_port=smtp_port,
                tenant=tenant,
                domain=domains[0],
                admin_token=admin_token,
                user_token=token_for(settings, tenant, "user"),
            )
            await configure_smtp(running)
            yield running


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="package")
async def browser() -> AsyncIterator[Browser]:
    require_browser()
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        expect.set_options(timeout=UI_TIMEOUT_MS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[Any]:
    """Keep each phase's report on the item, so teardown knows whether the test passed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


@pytest.fixture
async def page(
    browser: Browser, console: ConsoleWatch, request: pytest.FixtureRequest
) -> AsyncIterator[Page]:
    context = await browser.new_context(
        accept_downloads=True, viewport={"width": 1280, "height": 900}, locale="en-IN"
    )
    context.set_default_timeout(UI_TIMEOUT_MS)
    opened = await context.new_page()
    opened.on("console", console.on_console)
    opened.on("pageerror", console.on_page_error)
    try:
        yield opened
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            with contextlib.suppress(Error):
                await opened.screenshot(path=screenshot_path(request.node.name), full_page=True)
            if console.errors:  # shown with the failure ("Captured stdout teardown")
                print("the browser also reported:\n" + "\n".join(console.errors))
        elif console.errors:
            pytest.fail("the browser reported errors:\n" + "\n".join(console.errors))
    finally:
        await context.close()


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Screenshot:
    """`await screenshot()` saves tests/e2e/screenshots/<test name>.png (`-<suffix>` with one)."""

    async def take(suffix: str = "") -> Path:
        path = screenshot_path(request.node.name, suffix)
        await page.screenshot(path=path, full_page=True)
        return path

    return take
