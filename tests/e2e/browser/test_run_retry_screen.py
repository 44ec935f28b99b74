"""A schedule's run whose email waits to retry says so on the schedule's page: the attempt that
failed, why ("refused the connection") and when the next attempt is due, where it once said only
"sending"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.conftest import wait_until
from tests.e2e.stack import free_port

from .actions import open_app
from .harness import WORK_TIMEOUT_S, Screenshot, WebStack, configure_smtp, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e


async def test_a_run_waiting_to_retry_its_email_shows_the_error_and_next_attempt(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    created = await web.api(
        "POST",
        "/schedules",
        token=web.user_token,
        json={
            "name": f"Retry shown {web.address('r').split('@')[0]}",
            "report": "outstanding",
            "format": "csv",
            "params": {"kind": "receivable"},
            "cron": "0 9 * * 1",
            "recipients": {"to": [web.address("retry-run")]},
        },
    )
    assert created.status_code == 201, created.text
    schedule = created.json()["id"]
    closed_port = free_port()  # the first attempt is refused; the mail-service waits to retry
    await configure_smtp(web, port=closed_port)
    try:
        started = await web.api("POST", f"/schedules/{schedule}/run", token=web.user_token)
        assert started.status_code == 202, started.text
        waiting: dict[str, Any] = {}

        async def retry_due() -> bool:
            nonlocal waiting
            runs = await web.api("GET", f"/schedules/{schedule}/runs", token=web.user_token)
            waiting = runs.json()["items"][0]
            return waiting["retry"] is not None

        await wait_until(retry_due, timeout=WORK_TIMEOUT_S, what="the run to wait for a retry")
        assert waiting["status"] == "sending" and waiting["retry"]["step"] == "email", waiting

        await open_app(page, web, web.user_token)
        await page.goto(f"{web.gateway}/#/schedules/{schedule}")
        row = page.get_by_test_id("run-row")
        await expect(row.get_by_test_id("run-status")).to_have_text("sending")
        retry = row.get_by_test_id("run-retry")
        await expect(retry).to_contain_text("Waiting to retry the email (attempt 1 of ")
        await expect(retry).to_contain_text("failed; next attempt ")
        await expect(row.get_by_test_id("run-error")).to_contain_text(
            f"127.0.0.1:{closed_port} refused the connection"
        )
        await screenshot()
    finally:
        await configure_smtp(web)  # the retry then delivers it
