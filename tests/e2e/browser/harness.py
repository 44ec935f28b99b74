"""Browser-test harness: Chromium's path and flags, the stack, a console watch, screenshots."""

from __future__ import annotations

import email
import email.message
import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.conftest import wait_until
from tests.e2e.stack import Stack
from tests.factories import auth_header

try:  # the skip below names the install command when the package is missing
    from playwright.async_api import async_playwright
    from playwright.async_api import expect as expect  # re-exported for the tests
except ImportError:  # pragma: no cover - exercised only on a machine without playwright
    async_playwright = expect = None  # type: ignore[assignment]

if TYPE_CHECKING:
    from playwright.async_api import ConsoleMessage, Error

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


async def configure_smtp(web: WebStack, port: int | None = None) -> None:
    """Point the tenant's SMTP settings at the sink (or at `port`), as an admin does in the API."""
    response = await web.api(
        "PUT",
        "/admin/email-settings",
        json={
            "host": "127.0.0.1",
            "port": port or web.smtp_port,
            "security": "none",
            "username": None,
            "from_email": f"reports@{web.domain}",
            "from_name": "LedgerPost browser tests",
            "timeout_seconds": 10,
            "internal_domains": [web.domain],
        },
    )
    assert response.status_code == 200, response.text


FAILED_RESOURCE = re.compile(
    r"Failed to load resource: the server responded with a status of (\d+)"
)


@dataclass
class ConsoleWatch:
    """Every console.error and uncaught error of a page, less the HTTP errors a test expects."""

    errors: list[str] = field(default_factory=list)
    # The app has no favicon yet: Chromium asks for /favicon.ico and logs the gateway's 404.
    # The email settings screen asks for the mailbox read for bounces, which is 404 until an
    # admin saves one (as SMTP's settings are).
    allowed: list[tuple[int, str]] = field(
        default_factory=lambda: [(404, "/favicon.ico"), (404, "/api/v1/admin/mailbox-settings")]
    )

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


Screenshot = Callable[..., Awaitable[Path]]


def screenshot_path(test_name: str, suffix: str = "") -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name) + (f"-{suffix}" if suffix else "")
    return SCREENSHOTS / f"{name}.png"
