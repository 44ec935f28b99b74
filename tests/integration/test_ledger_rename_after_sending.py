"""A ledger renamed by the host application (the books API, same id, new name) after its
statement went out is still that ledger: a failed statement is resent, a confirmation is
reminded, shown and reported, and a schedule runs, all under the new name, while what was
already sent keeps the name it carried (the first email, the confirmation's `ledger_as_sent`).
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from scheduler_service.bootstrap import build_worker as scheduler_worker
from scheduler_service.ticker import tick
from sqlalchemy import select, update

from shared.domain.confirmations import confirmation_url
from shared.domain.confirmations.reminders import send_due_reminders
from shared.infra.db.models import (
    BalanceConfirmation,
    Email,
    ExportJob,
    ReportSchedule,
    StatementRun,
    StatementRunItem,
)
from shared.infra.runtime import Infrastructure
from shared.states import EmailStatus
from tests.conftest import Pump

from .books_helpers import sync
from .exporting import download, export_and_wait
from .gateway import gateway_client
from .scheduling import runs_of
from .statement_runs_helpers import PERIOD, RUNS, admin, debtors_with_directory

DEV, NEW_DEV = "Dev Agencies", "Dev Agencies Pvt Ltd (Pune)"
ARORA, NEW_ARORA = "Arora Stores", "अरोरा ट्रेडिंग कंपनी"
BHARAT = "Bharat Traders"  # no entries: the books may delete it
OPENING = {DEV: "-300.00", ARORA: "1000.00", BHARAT: "750.00"}
SCHEDULES = "/api/v1/schedules"


def _host_row(old: str) -> dict[str, Any]:
    return {
        "id": f"host-{old}",
        "name": old,
        "group": "Sundry Debtors",
        "party_name": old,
        "opening_balance": OPENING[old],
        "opening_date": "2025-04-01",
    }


async def _host_changes(
    infra: Infrastructure, tenant_id: str, old: str, then: dict[str, Any]
) -> str:
    """The host syncs the ledger it knows by id as `old`, then `then` for it (the first sync
    claims the ledger the tests made, as a host's first sync claims a ledger of its name);
    the count the second sync reports."""
    row = _host_row(old)
    async with gateway_client(infra) as client:
        claimed = await sync(client, infra.settings, tenant_id, "ledgers", [row])
        changed = await sync(client, infra.settings, tenant_id, "ledgers", [{**row, **then}])
    assert claimed["errors"] == changed["errors"] == [], changed
    return next(key for key in ("applied", "deleted") if changed[key] == 1)


async def _rename(infra: Infrastructure, tenant_id: str, old: str, new: str) -> None:
    assert await _host_changes(infra, tenant_id, old, {"name": new, "party_name": new}) == "applied"


async def _start_run(infra: Infrastructure, tenant_id: str, ledger: str) -> uuid.UUID:
    body = {"ledgers": [ledger], **PERIOD, "format": "csv", "confirm_balance": True}
    async with gateway_client(infra) as client:
        started = await client.post(RUNS, json=body, headers=admin(infra, tenant_id))
    assert started.status_code == 202, started.text
    return uuid.UUID(started.json()["id"])


async def _get(infra: Infrastructure, tenant_id: str, path: str, **params: Any) -> Any:
    async with gateway_client(infra) as client:
        response = await client.get(path, headers=admin(infra, tenant_id), params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_failed_statement_is_resent_under_the_ledgers_new_name(
    infra: Infrastructure, tenant_id: str
) -> None:
    await debtors_with_directory(infra, tenant_id)
    run_id = await _start_run(infra, tenant_id, DEV)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Email).where(Email.statement_run_id == run_id).values(status=EmailStatus.FAILED)
        )
        await uow.commit()
    await _rename(infra, tenant_id, DEV, NEW_DEV)

    async with gateway_client(infra) as client:
        resent = await client.post(
            f"{RUNS}/{run_id}/resend-failed", headers=admin(infra, tenant_id)
        )
    assert resent.status_code == 202, resent.text
    assert resent.json()["resent"] == 1

    [item] = (await _get(infra, tenant_id, f"{RUNS}/{run_id}/items"))["items"]
    assert (item["ledger"], item["party"], item["resends"]) == (NEW_DEV, NEW_DEV, 1)
    assert Decimal(item["closing_balance"]) == Decimal("-500.00")  # the same ledger's figures
    async with infra.uow() as uow:
        first, again = list(
            await uow.session.scalars(
                select(Email).where(Email.statement_run_id == run_id).order_by(Email.created_at)
            )
        )
        job = await uow.session.get(ExportJob, again.export_job_id)
        asked = list(
            await uow.session.scalars(
                select(BalanceConfirmation).where(BalanceConfirmation.statement_run_id == run_id)
            )
        )
    # What was sent keeps its name; the new statement and its file carry the new one.
    assert DEV in first.subject and NEW_DEV not in first.subject
    assert NEW_DEV in again.subject and NEW_DEV in again.body
    assert job is not None and job.params["ledger"] == NEW_DEV
    # The same question (same ledger, date and balance): one confirmation, now on the resend.
    assert len(asked) == 1, [(c.ledger_name, c.balance) for c in asked]
    assert (asked[0].email_id, asked[0].ledger_name) == (again.id, NEW_DEV)


async def test_a_ledger_deleted_since_leaves_its_failed_statement_as_it_was(
    infra: Infrastructure, tenant_id: str
) -> None:
    await debtors_with_directory(infra, tenant_id)
    async with gateway_client(infra) as client:
        entry = {"ledger_name": BHARAT, "to": ["accounts@bharat.in"]}
        added = await client.post(
            "/api/v1/party-emails", json=entry, headers=admin(infra, tenant_id)
        )
        assert added.status_code == 201, added.text
    run_id = await _start_run(infra, tenant_id, BHARAT)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Email).where(Email.statement_run_id == run_id).values(status=EmailStatus.FAILED)
        )
        await uow.commit()
    # What was sent does not keep the books from deleting the ledger.
    assert await _host_changes(infra, tenant_id, BHARAT, {"deleted": True}) == "deleted"

    async with gateway_client(infra) as client:
        resent = await client.post(
            f"{RUNS}/{run_id}/resend-failed", headers=admin(infra, tenant_id)
        )
    assert resent.status_code == 202, resent.text
    assert resent.json()["resent"] == 0  # nothing to send it for: it stays failed
    [item] = (await _get(infra, tenant_id, f"{RUNS}/{run_id}/items"))["items"]
    assert (item["ledger"], item["status"], item["resends"]) == (BHARAT, "failed", 0)
    [listed] = (await _get(infra, tenant_id, "/api/v1/confirmations", statement_run_id=run_id))[
        "items"
    ]
    assert (listed["ledger"], listed["ledger_as_sent"], listed["party"]) == (BHARAT, BHARAT, BHARAT)


async def test_a_reminder_and_the_page_name_the_ledger_as_the_books_do_now(
    infra: Infrastructure, tenant_id: str
) -> None:
    await debtors_with_directory(infra, tenant_id)
    run_id = await _start_run(infra, tenant_id, ARORA)
    await _rename(infra, tenant_id, ARORA, NEW_ARORA)

    [listed] = (await _get(infra, tenant_id, "/api/v1/confirmations", statement_run_id=run_id))[
        "items"
    ]
    assert (listed["ledger"], listed["ledger_as_sent"]) == (NEW_ARORA, ARORA)
    detail = await _get(infra, tenant_id, f"/api/v1/confirmations/{listed['id']}")
    assert (detail["ledger"], detail["ledger_as_sent"]) == (NEW_ARORA, ARORA)

    days = infra.settings.confirmation_reminder_after_days + 1
    async with infra.uow() as uow:
        await uow.session.execute(
            update(BalanceConfirmation)
            .where(BalanceConfirmation.statement_run_id == run_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=days))
        )
        await uow.commit()
    reminded = await send_due_reminders(
        infra.uow, infra.settings, datetime.now(UTC), tenant_id=tenant_id
    )
    assert [str(c) for c in reminded] == [listed["id"]]
    async with infra.uow() as uow:
        reminder = await uow.session.scalar(
            select(Email).where(Email.tenant_id == tenant_id, Email.statement_run_id.is_(None))
        )
        confirmation = await uow.session.get(BalanceConfirmation, uuid.UUID(listed["id"]))
    assert reminder is not None and confirmation is not None
    assert NEW_ARORA in reminder.body and ARORA not in reminder.body  # a new email: today's name
    async with gateway_client(infra) as client:
        page = await client.get(urlsplit(confirmation_url(infra.settings, confirmation)).path)
    assert page.status_code == 200, page.text
    assert NEW_ARORA in page.text and ARORA not in page.text


async def test_the_confirmations_report_lists_the_new_name_and_the_name_sent(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    await debtors_with_directory(infra, tenant_id)
    run_id = await _start_run(infra, tenant_id, ARORA)
    await _rename(infra, tenant_id, ARORA, NEW_ARORA)
    params = {"statement_run_id": str(run_id)}
    async with gateway_client(infra) as client:
        headers = admin(infra, tenant_id)
        job = await export_and_wait(client, infra, pump, headers, "confirmations", "csv", params)
        content = await download(client, job, headers)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][1] == "ledger" and rows[0][-1] == "ledger_as_sent"
    [arora] = [row for row in rows[1:] if row[1]]
    assert (arora[1], arora[-1]) == (NEW_ARORA, ARORA)
    assert arora[3:5] == ["3500.00", "No reply"]


async def test_schedules_that_name_a_renamed_ledger_run_under_its_new_name(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    await debtors_with_directory(infra, tenant_id)
    statement = {
        "name": "Arora's statement",
        "report": "ledger",
        "format": "pdf",
        "params": {"ledger": "arora stores", "period": "last_month"},
        "preset": {"kind": "monthly", "day": 1, "time": "09:00"},
        "recipients": {"to": ["accounts@arora.in"]},
    }
    month_end = {
        "name": "Two parties' statements",
        "kind": "statement_run",
        "report": "ledger",
        "format": "csv",
        "preset": {"kind": "monthly", "day": 1, "time": "09:00"},
        "params": {"ledgers": [" arora stores", DEV], "period": "last_month"},
    }
    async with gateway_client(infra) as client:
        saved = []
        for body in (statement, month_end):
            response = await client.post(SCHEDULES, json=body, headers=admin(infra, tenant_id))
            assert response.status_code == 201, response.text
            saved.append(response.json())
    await _rename(infra, tenant_id, ARORA, NEW_ARORA)

    read = [await _get(infra, tenant_id, f"{SCHEDULES}/{s['id']}") for s in saved]
    assert read[0]["params"]["ledger"] == NEW_ARORA
    assert read[1]["params"]["ledgers"] == [NEW_ARORA, DEV]  # in the order typed
    due = datetime(2025, 7, 1, 3, 30, tzinfo=UTC)  # the 1st of July, 09:00 IST
    async with infra.uow() as uow:
        schedule = await uow.session.get(ReportSchedule, uuid.UUID(saved[1]["id"]))
        assert schedule is not None
        schedule.next_run_at = due
        await uow.commit()
    await tick(infra.uow, infra.settings, due)
    await pump(scheduler_worker(infra)[0].consumer())
    [run] = await runs_of(infra, schedule.id)
    assert run.status == "succeeded", run.error
    async with infra.sessions() as session:
        items = list(
            await session.scalars(
                select(StatementRunItem.ledger_name)
                .join(StatementRun, StatementRun.id == StatementRunItem.run_id)
                .where(StatementRun.schedule_run_id == run.id)
                .order_by(StatementRunItem.position)
            )
        )
    assert sorted(items) == sorted([NEW_ARORA, DEV])
