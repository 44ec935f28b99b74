"""A run waiting for a retry says so in the runs history: the step, the last error and when
the next attempt is due (the email's retry lives on the email row; the export's on the run)."""

from __future__ import annotations

import socket
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from scheduler_service.ticker import tick
from sqlalchemy import select, update

from shared.infra.db.models import Email, ScheduleRun
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_ledger

from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra
from .schedules_helpers import RUNS, SCHEDULES, headers, instant
from .scheduling import create_schedule, runs_of, workers

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

NOW = datetime(2026, 5, 4, 3, 30, tzinfo=UTC)
ENTRIES = [(date(2026, 4, 15), Decimal("2500.00"), Decimal("0"))]


def closed_port() -> int:
    """A port bound and released at once: nothing listens there, so connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def test_a_run_whose_email_waits_to_retry_names_the_error_and_the_next_attempt(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink, mail_max_attempts=4)
    await configure_smtp(infra, tenant_id, sink, port=closed_port())
    await create_ledger(infra.uow(), tenant_id, entries=ENTRIES)
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    consumers, _ = workers(infra)
    before = datetime.now(UTC)
    await pump(*consumers)  # exported, then one attempt at the closed port: a retry is due

    [run] = await runs_of(infra, schedule)
    assert run.status == "sending"
    admin = headers(infra, tenant_id, "admin")
    async with gateway_client(infra) as client:
        listed = await client.get(f"{SCHEDULES}/{schedule}/runs", headers=admin)
        detail = await client.get(f"{RUNS}/{run.id}", headers=admin)
    assert listed.status_code == 200, listed.text
    [item] = listed.json()["items"]
    retry = item["retry"]
    assert (retry["step"], retry["attempts"], retry["max_attempts"]) == ("email", 1, 4), retry
    assert "refused the connection" in retry["last_error"], retry
    due = instant(retry["next_attempt_at"])
    # The mail-service's backoff: the first retry is due within mail_retry_base_seconds.
    assert (
        before
        < due
        <= datetime.now(UTC) + timedelta(seconds=infra.settings.mail_retry_base_seconds)
    ), retry
    assert item["status"] == "sending" and item["error"] is None
    assert detail.status_code == 200, detail.text
    assert detail.json()["retry"] == retry
    assert [a["status"] for a in detail.json()["audit"]] == ["retrying"]


async def test_a_run_retrying_its_export_names_its_own_error_and_due_time(
    infra: Infrastructure, tenant_id: str
) -> None:
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    [run] = await runs_of(infra, schedule)
    due = datetime.now(UTC) + timedelta(minutes=2)
    async with infra.uow() as uow:  # what the scheduler writes when an export fails
        await uow.session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id == run.id)
            .values(
                status="retrying",
                attempts=1,
                error="the export failed: no such ledger",
                next_attempt_at=due,
            )
        )
        await uow.commit()
    async with gateway_client(infra) as client:
        listed = await client.get(
            f"{SCHEDULES}/{schedule}/runs", headers=headers(infra, tenant_id, "admin")
        )
    [item] = listed.json()["items"]
    assert item["retry"] == {
        "step": "export",
        "attempts": 1,
        "max_attempts": infra.settings.scheduler_run_max_attempts,
        "last_error": "the export failed: no such ledger",
        "next_attempt_at": item["retry"]["next_attempt_at"],
    }
    assert instant(item["retry"]["next_attempt_at"]) == due


async def test_a_run_sending_for_the_first_time_waits_for_no_retry(
    infra: Infrastructure, tenant_id: str
) -> None:
    schedule = await create_schedule(infra, tenant_id, next_run_at=NOW)
    await tick(infra.uow, infra.settings, NOW)
    [run] = await runs_of(infra, schedule)
    email_id = uuid.uuid4()
    async with infra.uow() as uow:  # queued, never tried: no error yet
        uow.session.add(
            Email(
                id=email_id,
                tenant_id=tenant_id,
                requested_by="u1",
                trigger="scheduled",
                subject="Statement",
                status="queued",
                message_id=f"<{email_id.hex}@example.in>",
                max_attempts=4,
            )
        )
        await uow.session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id == run.id)
            .values(status="sending", email_id=email_id)
        )
        await uow.commit()
    async with gateway_client(infra) as client:
        listed = await client.get(
            f"{SCHEDULES}/{schedule}/runs", headers=headers(infra, tenant_id, "admin")
        )
    [item] = listed.json()["items"]
    assert (item["status"], item["retry"]) == ("sending", None)
    async with infra.sessions() as session:
        assert await session.scalar(select(Email.status).where(Email.id == email_id)) == "queued"
