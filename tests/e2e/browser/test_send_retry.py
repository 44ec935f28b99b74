"""Sending that forgives, in Chromium: a manual send refused by the SMTP server shows its reason
beside the button and offers "Try again", which sends the same request under a new
Idempotency-Key once the server accepts; the dialog shows the result and the toast is on top."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from tests.e2e.stack import free_port

from .actions import open_app, pick_ledger, unused_ledgers
from .harness import WORK_TIMEOUT_MS, ConsoleWatch, Screenshot, WebStack, configure_smtp, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Locator, Page, Request

pytestmark = pytest.mark.e2e
ENDPOINT = "/api/v1/reports/ledger/email"


async def fully_visible(page: Page, node: Locator) -> bool:
    """`node` is inside the window and on top at its centre and corners (no dialog, backdrop or
    toast over any part of it)."""
    visible: bool = await node.evaluate(
        """(node) => {
          const box = node.getBoundingClientRect();
          const inside = box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight
            && box.right <= window.innerWidth;
          const points = [[box.left + box.width / 2, box.top + box.height / 2],
            [box.left + 3, box.top + 3], [box.right - 3, box.top + 3],
            [box.left + 3, box.bottom - 3], [box.right - 3, box.bottom - 3]];
          return inside && points.every(([x, y]) => node.contains(document.elementFromPoint(x, y)));
        }"""
    )
    return visible


async def test_a_refused_send_says_why_and_is_tried_again_with_a_new_key(
    web: WebStack, page: Page, console: ConsoleWatch, screenshot: Screenshot
) -> None:
    console.allow_http(404, "/api/v1/party-emails/lookup")  # "no entry" is the lookup's 404
    [ledger] = await unused_ledgers(web, 1, offset=7)
    to = web.address("retry", "party-side.example")
    closed_port = free_port()  # bound and released: the SMTP connection is refused
    sent: list[Request] = []
    page.on("request", lambda r: sent.append(r) if r.url.endswith(ENDPOINT) else None)
    await configure_smtp(web, port=closed_port)
    try:
        await open_app(page, web, web.user_token)
        form = await pick_ledger(page, ledger, "No party directory entry")
        await form.get_by_label("Format").select_option("csv")
        await form.get_by_test_id("email-button").click()
        dialog = page.get_by_role("dialog")
        await expect(dialog).to_contain_text("has no entry for")  # the lookup answered
        await dialog.get_by_test_id("to-input").fill(to)
        await dialog.get_by_label("Subject").fill("Your statement of account")
        await dialog.get_by_test_id("send-button").click()

        # The reason beside the button, which now tries again; nothing typed is lost.
        failure = dialog.get_by_test_id("send-failure")
        await expect(failure).to_contain_text(
            f"127.0.0.1:{closed_port} refused the connection", timeout=WORK_TIMEOUT_MS
        )
        retry = dialog.get_by_role("button", name="Try again")
        await expect(retry).to_be_enabled()
        await expect(dialog.get_by_test_id("to-input")).to_have_value(to)
        await expect(dialog.get_by_label("Subject")).to_have_value("Your statement of account")
        result = dialog.get_by_test_id("email-result")
        await expect(result).to_contain_text("refused the connection")
        # The result scrolled into the dialog's view; the toast is on top of the dialog.
        assert await fully_visible(page, result), "the result is out of view"
        toast = page.locator("#status")
        await expect(toast).to_contain_text("refused the connection")
        assert await fully_visible(page, toast), "the toast is behind the dialog"
        await screenshot("refused")

        await configure_smtp(web)  # the server accepts again
        await retry.click()
        await expect(result).to_contain_text("Sent to", timeout=WORK_TIMEOUT_MS)
        await expect(failure).to_be_hidden()
        await expect(dialog.get_by_test_id("send-button")).to_have_text("Sent")
        assert await fully_visible(page, result), "the result is out of view"
        await screenshot()
    finally:
        await configure_smtp(web)

    assert len(sent) == 2, [r.url for r in sent]
    keys = [await r.header_value("Idempotency-Key") for r in sent]
    bodies: list[dict[str, Any]] = [json.loads(r.post_data or "{}") for r in sent]
    assert keys[0] and keys[1] and keys[0] != keys[1], keys
    assert bodies[0] == bodies[1], bodies
    assert bodies[0]["to"] == [to], bodies
    message = await web.wait_for_mail(to)
    assert message["Subject"] == "Your statement of account"
