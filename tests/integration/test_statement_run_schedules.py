"""A schedule can be a statement run: "on the 1st at 09:00, last month, Sundry Debtors"."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scheduler_service.ticker import tick
from sqlalchemy import select

from shared.infra.db.models import ReportSchedule, ScheduleRun, StatementRun
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump

from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra
from .scheduling import runs_of, workers
from .statement_runs_helpers import REFUSED, RUNS, admin, debtors_with_directory

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

SCHEDULES = "/api/v1/schedules"
MONTH_END: dict[str, Any] = {
    "name": "Debtors' statements",
    "kind": "statement_run",
    "report": "ledger",
    "format": "csv",
    "preset": {"kind": "monthly", "day": 1, "time": "09:00"},
    "params": {"group": "Sundry Debtors", "period": "last_month", "skip_without_email": True},
}


async def _saved_and_run_when_due(
    infra: Infrastructure, tenant_id: str, pump: Pump, body: dict[str, Any]
) -> ScheduleRun:
    """Save the schedule, make it due on the 1st of July 2025 at 09:00 IST (last month is
    June), tick, and let every worker drain; the schedule's one run."""
    async with gateway_client(infra) as client:
        saved = await client.post(SCHEDULES, json=body, headers=admin(infra, tenant_id))
    assert saved.status_code == 201, saved.text
    due = datetime(2025, 7, 1, 3, 30, tzinfo=UTC)
    async with infra.uow() as uow:
        schedule = await uow.session.get(ReportSchedule, saved.json()["id"])
        assert schedule is not None
        schedule.next_run_at = due
        await uow.commit()
    await tick(infra.uow, infra.settings, due)
    consumers, _ = workers(infra)
    await pump(*consumers)
    [run] = await runs_of(infra, schedule.id)
    return run


async def test_a_statement_run_schedule_is_checked_when_saved(
    infra: Infrastructure, tenant_id: str
) -> None:
    await debtors_with_directory(infra, tenant_id)
    refusals = [
        ({"recipients": {"to": ["x@example.in"]}}, 422, "recipients.to"),
        ({"params": {"group": "Sundry Debtors"}}, 422, "params.period"),
        ({"params": {"ledgers": ["Arora Stores"], "group": "X", "period": "last_month"}},
         422, "params.group"),
        ({"params": {"group": "Nobody", "period": "last_month"}}, 404, "params.group"),
        ({"params": {**MONTH_END["params"], "format": "pdf"}}, 422, "params.format"),
        ({"params": {**MONTH_END["params"], "skip_zero_balance": "yes"}},
         422, "params.skip_zero_balance"),
        ({"report": "outstanding"}, 422, "report"),
    ]  # fmt: skip
    async with gateway_client(infra) as client:
        for change, status, field in refusals:
            response = await client.post(
                SCHEDULES, json={**MONTH_END, **change}, headers=admin(infra, tenant_id)
            )
            assert response.status_code == status, (change, response.text)
            assert response.json()["errors"][0]["field"] == field, response.text
        saved = await client.post(SCHEDULES, json=MONTH_END, headers=admin(infra, tenant_id))
    assert saved.status_code == 201, saved.text
    schedule = saved.json()
    assert schedule["kind"] == "statement_run" and schedule["cron"] == "0 9 1 * *"
    assert schedule["params"] == {
        "group": "Sundry Debtors",
        "period": "last_month",
        "confirm_balance": False,
        "skip_zero_balance": False,
        "skip_without_email": True,
        "skip_without_activity": False,
    }


async def test_a_scheduled_statement_run_sends_last_months_statements(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain", refuse_recipients=[REFUSED])
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await debtors_with_directory(infra, tenant_id)
    run = await _saved_and_run_when_due(infra, tenant_id, pump, MONTH_END)
    assert run.status == "succeeded", run.error
    async with infra.sessions() as session:
        statement_run = await session.scalar(
            select(StatementRun).where(StatementRun.schedule_run_id == run.id)
        )
    assert statement_run is not None
    assert (statement_run.trigger, statement_run.period) == ("scheduled", "last_month")
    assert (str(statement_run.from_date), str(statement_run.to_date)) == (
        "2025-06-01",
        "2025-06-30",
    )
    # Four parties have an address (one of them refused by the server); Bharat has none.
    messages = await sink.wait_for_messages(3)
    assert {m.rcpt_tos[0] for m in messages} == {
        "accounts@arora.in",
        "hisab@chawla.in",
        "hishob@ganesh.in",
    }
    async with gateway_client(infra) as client:
        response = await client.get(f"{RUNS}/{statement_run.id}", headers=admin(infra, tenant_id))
    counts = response.json()["counts"]
    assert (counts["sent"], counts["skipped"], counts["total"]) == (3, 1, 5)
    # A scheduled send retries a failure as scheduled sends do: Dev Agencies' 550 is final.
    assert counts["failed"] == 1


async def test_a_statement_run_schedule_that_cannot_start_fails_with_the_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump
) -> None:
    await debtors_with_directory(infra, tenant_id)
    body = {**MONTH_END, "params": {"group": "Sundry Debtors", "period": "last_month"}}
    run = await _saved_and_run_when_due(infra, tenant_id, pump, body)
    assert run.status == "failed"
    assert run.error is not None and "Bharat Traders" in run.error
    async with infra.sessions() as session:
        assert (
            await session.scalar(select(StatementRun).where(StatementRun.tenant_id == tenant_id))
            is None
        )
