"""A schedule previewed, saved and run now, and an export followed to its download, in Chromium."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .actions import go, open_app, pick_ledger, unused_ledgers
from .harness import WORK_TIMEOUT_MS, Screenshot, WebStack, expect

if TYPE_CHECKING:  # without the package the tests skip (see harness.require_browser)
    from playwright.async_api import Page

pytestmark = pytest.mark.e2e


# --- a schedule: preview, create, run now, runs history ----------------------------------------


async def test_schedule_created_previewed_and_run_now(
    web: WebStack, page: Page, screenshot: Screenshot
) -> None:
    name = f"Browser schedule {web.address('s').split('@')[0]}"
    to = web.address("schedule")

    await open_app(page, web, web.user_token)
    main = await go(page, "Schedules")
    await main.get_by_test_id("new-schedule").click()
    dialog = page.get_by_role("dialog", name="New schedule")
    form = dialog.get_by_test_id("schedule-form")
    await form.get_by_test_id("schedule-name").fill(name)
    await form.get_by_test_id("schedule-report").select_option("outstanding")
    await form.get_by_test_id("schedule-kind").select_option("receivable")
    await form.get_by_test_id("schedule-format").select_option("csv")
    await form.get_by_test_id("schedule-recurrence").select_option("daily")
    await form.get_by_test_id("schedule-time").fill("07:30")
    await form.get_by_test_id("schedule-to").fill(to)

    # The next runs are shown before anything is saved.
    preview = form.get_by_test_id("preview-runs").get_by_role("listitem")
    await expect(preview).to_have_count(5)
    await expect(preview.first).to_contain_text("07:30")
    await expect(form.get_by_test_id("preview-note")).to_contain_text("30 7 * * *")
    listed = await web.api("GET", "/schedules", token=web.user_token)
    assert name not in listed.text, "the preview saved the schedule"
    await screenshot("preview")

    await form.get_by_test_id("save-schedule").click()
    await expect(dialog).to_be_hidden()
    row = main.get_by_test_id("schedule-row").filter(has_text=name)
    await expect(row).to_have_count(1)
    await row.get_by_test_id("run-now").click()
    started = main.get_by_test_id("run-started")
    await expect(started).to_contain_text(name)

    await started.get_by_role("link", name="Follow its runs").click()
    await expect(main.get_by_role("heading", level=1)).to_have_text("Schedule")
    await expect(main.get_by_test_id("schedule-summary")).to_contain_text(name)
    run = main.get_by_test_id("run-row")
    await expect(run).to_have_count(1)
    # The history refreshes itself while the run moves: exporting, sending, succeeded.
    await expect(run.get_by_test_id("run-status")).to_have_text(
        "succeeded", timeout=WORK_TIMEOUT_MS
    )
    await run.get_by_test_id("run-details").click()
    detail = page.get_by_test_id("run-detail")
    await expect(detail.get_by_test_id("run-export")).to_contain_text("succeeded")
    await expect(detail.get_by_test_id("run-audit")).to_contain_text(to)
    await screenshot()

    message = await web.wait_for_mail(to)
    assert message.get_all("X-Envelope-To") == [to]


# --- an export followed to its download --------------------------------------------------------


async def test_export_followed_to_its_download(
    web: WebStack, page: Page, screenshot: Screenshot, tmp_path: Path
) -> None:
    [ledger] = await unused_ledgers(web, 1, offset=2)

    await open_app(page, web, web.user_token)
    form = await pick_ledger(page, ledger, "No party directory entry")
    await form.get_by_test_id("period-select").select_option("this_fy")
    await form.get_by_label("Format").select_option("csv")
    await form.get_by_test_id("export-button").click()

    status = page.get_by_test_id("job-status")
    await expect(status).to_have_attribute("data-status", "succeeded", timeout=WORK_TIMEOUT_MS)
    await expect(status).to_contain_text("Ready:")
    async with page.expect_download() as downloading:
        await page.get_by_test_id("download-button").click()
    download = await downloading.value
    assert download.suggested_filename.endswith(".csv"), download.suggested_filename
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    header = saved.read_text(encoding="utf-8-sig").splitlines()[0]  # after the byte-order mark
    assert header.startswith("date,") and "balance" in header, header

    # The same job on "My exports", downloadable from there too; the file is the job's own.
    main = await go(page, "My exports")
    row = main.get_by_test_id("exports-table").locator("tbody tr").filter(has_text=ledger)
    await expect(row).to_have_count(1)
    row_status = row.get_by_test_id("job-status")
    await expect(row_status).to_have_attribute("data-status", "succeeded")
    job_id = await row_status.get_attribute("data-job-id")
    job = (await web.api("GET", f"/exports/jobs/{job_id}", token=web.user_token)).json()
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == job["sha256"], job
    async with page.expect_download() as again:
        await row.get_by_test_id("download-button").click()
    assert (await again.value).suggested_filename == download.suggested_filename
    await screenshot()
