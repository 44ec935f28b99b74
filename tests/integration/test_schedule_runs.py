"""Running a schedule now: pending manual runs, idempotency keys, and the runs' history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from shared.infra.db.models import EmailAudit, ExportJob, OutboxMessage, ScheduleRun
from shared.infra.runtime import Infrastructure

from .gateway import gateway_client
from .schedules_helpers import (
    RUNS,
    SCHEDULES,
    create,
    headers,
    instant,
    outstanding_body,
    run_count,
)


async def test_run_now_creates_a_pending_manual_run(infra: Infrastructure, tenant_id: str) -> None:
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), user)
        path = f"{SCHEDULES}/{created['id']}"
        response = await client.post(f"{path}/run", headers=user)
        after = (await client.get(path, headers=user)).json()
    assert response.status_code == 202, response.text
    run = response.json()
    assert response.headers["location"] == f"{RUNS}/{run['id']}"
    assert (run["status"], run["trigger"], run["schedule_id"]) == (
        "pending",
        "manual",
        created["id"],
    )
    assert instant(run["scheduled_for"]) <= datetime.now(UTC)
    assert after["next_run_at"] == created["next_run_at"]
    async with infra.sessions() as session:
        announced = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.payload["run_id"].astext == run["id"])
        )
    assert announced == 1


async def test_run_now_with_the_same_idempotency_key_is_one_run(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), user)
        path = f"{SCHEDULES}/{created['id']}/run"
        key = {**user, "Idempotency-Key": "click-1"}
        first = await client.post(path, headers=key)
        again = await client.post(path, headers=key)
        other = await client.post(path, headers={**user, "Idempotency-Key": "click-2"})
        long_key = {**user, "Idempotency-Key": "k" * 200}
        long_first = await client.post(path, headers=long_key)
        long_again = await client.post(path, headers=long_key)
    assert (first.status_code, again.status_code) == (202, 202), first.text
    assert first.json()["id"] == again.json()["id"]
    assert other.json()["id"] != first.json()["id"]
    assert long_first.status_code == 202, long_first.text
    assert long_first.json()["id"] == long_again.json()["id"]
    assert await run_count(infra, created["id"]) == 3


async def test_runs_are_listed_newest_first_and_read_with_their_outcome(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), user)
        path = f"{SCHEDULES}/{created['id']}"
        made = [(await client.post(f"{path}/run", headers=user)).json()["id"] for _ in range(3)]
        first_page = (await client.get(f"{path}/runs", params={"limit": 2}, headers=user)).json()
        second_page = (
            await client.get(
                f"{path}/runs",
                params={"limit": 2, "cursor": first_page["next_cursor"]},
                headers=user,
            )
        ).json()
        run_id = made[0]
        await _finish_run(infra, tenant_id, run_id)
        detail = await client.get(f"{RUNS}/{run_id}", headers=user)
        pending = (await client.get(f"{RUNS}/{made[1]}", headers=user)).json()
    listed = [run["id"] for run in first_page["items"] + second_page["items"]]
    assert listed == list(reversed(made))
    assert second_page["next_cursor"] is None
    assert detail.status_code == 200, detail.text
    run = detail.json()
    assert run["status"] == "succeeded" and run["attempts"] == 2
    assert run["export"]["status"] == "succeeded"
    assert (run["export"]["row_count"], run["export"]["file_name"]) == (12, "Outstanding.xlsx")
    assert [(a["attempt"], a["status"]) for a in run["audit"]] == [(1, "failed"), (2, "sent")]
    assert (pending["export"], pending["audit"]) == (None, [])


async def _finish_run(infra: Infrastructure, tenant_id: str, run_id: str) -> None:
    """What the scheduler and the mail-service would have written: an export, two attempts."""
    job_id, email_id = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    async with infra.sessions() as session:
        session.add(
            ExportJob(
                id=job_id,
                tenant_id=tenant_id,
                requested_by="scheduler",
                report="outstanding",
                format="xlsx",
                params={"kind": "receivable", "as_of": "2025-04-01"},
                status="succeeded",
                row_count=12,
                file_name="Outstanding.xlsx",
            )
        )
        for attempt, status in ((2, "sent"), (1, "failed")):
            session.add(
                EmailAudit(
                    tenant_id=tenant_id,
                    email_id=email_id,
                    trigger="scheduled",
                    report="outstanding",
                    requested_by="scheduler",
                    attempt=attempt,
                    status=status,
                    created_at=now + timedelta(seconds=attempt),
                )
            )
        await session.execute(
            update(ScheduleRun)
            .where(ScheduleRun.id == uuid.UUID(run_id))
            .values(status="succeeded", attempts=2, export_job_id=job_id, email_id=email_id)
        )
        await session.commit()
