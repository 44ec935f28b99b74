"""Fixtures of the browser tests: the real stack, an SMTP sink, a demo tenant and Chromium.

One stack per test module (`web`): the four services as processes (`tests.e2e.stack.Stack`),
`scripts/smtp_sink.py` on a free port, a fresh tenant with demo books (2,000 rows) whose SMTP
settings point at the sink (security none, internal domain = the tenant's), and an admin and a
user token. Pages open as `{gateway}/#token={token}`, as the host application opens the app.

Browser: Playwright's async API on the session's event loop (pytest-asyncio, `asyncio_mode=auto`),
driving Debian's Chromium (`/usr/bin/chromium`) headless: nothing is downloaded at run time and
`playwright install` is never needed. Each test gets a fresh browser context (its own
sessionStorage, so its own sign-in) and a `console` watch that fails the test on any
`console.error` or uncaught page error; a test declares the HTTP errors it provokes on purpose
(`console.allow_http(422, "/reports/outstanding/email")`), since Chromium logs every 4xx/5xx
response as a console error.

Each test saves `tests/e2e/screenshots/<test name>.png` (git-ignored) with `screenshot()` at the
moment that shows what it checked (some also save `<test name>-<step>.png`); a failing test
saves its last screen there instead. Browser errors in a test that otherwise passed are reported
as an error at its teardown.
"""

from __future__ import annotations

import contextlib
import email
import email.message
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.demo import load_demo_data
from tests.conftest import make_settings, wait_until
from tests.e2e.stack import Stack
from tests.e2e.test_smoke import smtp_sink
from tests.factories import auth_header, random_tenant_id, token_for

try:  # the skip below names the install command when the package is missing
    from playwright.async_api import Browser, ConsoleMessage, Error, Page, async_playwright, expect
except ImportError:  # pragma: no cover - exercised only on a machine without playwright
    async_playwright = expect = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
INSTALL_CHROMIUM = "apt-get install -y chromium"
INSTALL_PLAYWRIGHT = ".venv/bin/pip install playwright"
# Auto-waiting bounds: UI reactions, and work that goes through the services (render, SMTP).
UI_TIMEOUT_MS = 10_000
WORK_TIMEOUT_MS = 45_000
WORK_TIMEOUT_S = WORK_TIMEOUT_MS / 1000


def require_browser() -> None:
    """Skip with the exact install command when Chromium or the playwright package is missing."""
    if async_playwright is None:
        pytest.skip(f"the playwright package is not installed: run `{INSTALL_PLAYWRIGHT}`")
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: run `{INSTALL_CHROMIUM}` (Debian's Chromium)")


@pytest.fixture(scope="session", autouse=True)
def _browser_available() -> None:
    """Skip before anything is set up (database, stack) when the browser cannot run."""
    require_browser()


# --- the stack ------------------------------------------------------------------------------


@dataclass
class WebStack:
    """The running stack and the tenant the tests act in."""

    stack: Stack
    client: httpx.AsyncClient  # the gateway's API
    mail_dir: Path
    smtp_port: int
    tenant: str
    domain: str  # the tenant's internal email domain
    admin_token: str
    user_token: str

    @property
    def gateway(self) -> str:
        return self.stack.gateway_url

    def app_url(self, token: str) -> str:
        return f"{self.gateway}/#token={token}"

    def address(self, prefix: str, domain: str | None = None) -> str:
        """A unique address (internal unless `domain` says otherwise)."""
        return f"{prefix}-{uuid.uuid4().hex[:8]}@{domain or self.domain}"

    async def api(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = auth_header(token or self.admin_token)
        return await self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    async def ledgers(self) -> list[dict[str, Any]]:
        response = await self.api("GET", "/ledgers", params={"limit": 50})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        assert items, "the demo tenant has no ledgers"
        return items

    def messages_to(self, address: str) -> list[email.message.Message]:
        """Messages the sink saved with `address` among the envelope recipients."""
        found = []
        for path in sorted(self.mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes())
            if address.lower() in (a.lower() for a in message.get_all("X-Envelope-To", [])):
                found.append(message)
        return found

    async def wait_for_mail(self, address: str) -> email.message.Message:
        """The first message delivered to `address` (envelope), waiting for it to arrive."""

        async def arrived() -> bool:
            return bool(self.messages_to(address))

        await wait_until(arrived, timeout=WORK_TIMEOUT_S, what=f"mail to {address} in the sink")
        return self.messages_to(address)[0]

    async def wait_for_status(self, path: str, want: str, bad: tuple[str, ...] = ()) -> Any:
        """GET `path` until its `status` is `want` (fails at once on a `bad` one)."""
        last: dict[str, Any] = {}

        async def reached() -> bool:
            nonlocal last
            response = await self.api("GET", path)
            assert response.status_code == 200, response.text
            last = response.json()
            assert last["status"] not in bad, f"{path} is {last['status']}: {last}"
            return last["status"] == want

        await wait_until(reached, timeout=WORK_TIMEOUT_S, what=f"{path} to be {want}")
        return last


async def configure_smtp(web: WebStack) -> None:
    """Point the tenant's SMTP settings at the sink, as an admin does in the API."""
    response = await web.api(
        "PUT",
        "/admin/email-settings",
        json={
            "host": "127.0.0.1",
            "port": web.smtp_port,
            "security": "none",
            "username": None,
            "from_email": f"reports@{web.domain}",
            "from_name": "LedgerPost browser tests",
            "timeout_seconds": 10,
            "internal_domains": [web.domain],
        },
    )
    assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
async def web(
    test_database_url: str, db_dsn: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[WebStack]:
    require_browser()
    root = tmp_path_factory.mktemp("web-stack")
    tenant = random_tenant_id()
    await load_demo_data(db_dsn, tenant_id=tenant, rows=2000)
    settings = make_settings(test_database_url, root / "exports")
    mail_dir = root / "mail"
    with contextlib.ExitStack() as cleanup:
        smtp_port = cleanup.enter_context(smtp_sink(mail_dir, root / "smtp-sink.log"))
        stack = Stack(settings=settings, log_dir=root)
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


@pytest.fixture(scope="module")
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


FAILED_RESOURCE = re.compile(
    r"Failed to load resource: the server responded with a status of (\d+)"
)


@dataclass
class ConsoleWatch:
    """Every console.error and uncaught error of a page, less the HTTP errors a test expects."""

    errors: list[str] = field(default_factory=list)
    # The app has no favicon yet: Chromium asks for /favicon.ico and logs the gateway's 404.
    allowed: list[tuple[int, str]] = field(default_factory=lambda: [(404, "/favicon.ico")])

    def allow_http(self, status: int, url_part: str) -> None:
        """A response `status` from a URL containing `url_part` is expected (not an error)."""
        self.allowed.append((status, url_part))

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        failed = FAILED_RESOURCE.match(message.text)
        if failed and any(
            int(failed.group(1)) == status and part in url for status, part in self.allowed
        ):
            return
        self.errors.append(f"console.error: {message.text} ({url})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(f"page error: {error.name}: {error.message}\n{error.stack or ''}")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item) -> Iterator[Any]:
    """Keep each phase's report on the item, so teardown knows whether the test passed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def console() -> ConsoleWatch:
    return ConsoleWatch()


Screenshot = Callable[..., Awaitable[Path]]


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


def screenshot_path(test_name: str, suffix: str = "") -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name) + (f"-{suffix}" if suffix else "")
    return SCREENSHOTS / f"{name}.png"


@pytest.fixture
def screenshot(page: Page, request: pytest.FixtureRequest) -> Screenshot:
    """`await screenshot()` saves tests/e2e/screenshots/<test name>.png (`-<suffix>` with one)."""

    async def take(suffix: str = "") -> Path:
        path = screenshot_path(request.node.name, suffix)
        await page.screenshot(path=path, full_page=True)
        return path

    return take
