"""When schedules run: previews of the next runs, pause and resume, the next run on edits."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from shared.infra.db.models import ReportSchedule
from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

from .gateway import gateway_client
from .schedules_helpers import (
    KOLKATA,
    NEW_YORK,
    SCHEDULES,
    create,
    fields,
    headers,
    instant,
    outstanding_body,
)


async def test_preview_of_a_saved_schedule(infra: Infrastructure, tenant_id: str) -> None:
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(cron="0 9 * * *"), user)
        path = f"{SCHEDULES}/{created['id']}/preview"
        response = await client.get(path, headers=user)
        too_many = await client.get(path, params={"count": 51}, headers=user)
        none = await client.get(path, params={"count": 0}, headers=user)
        fifty = await client.get(path, params={"count": 50}, headers=user)
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["cron"], preview["timezone"]) == ("0 9 * * *", "Asia/Kolkata")
    runs = preview["runs"]
    assert len(runs) == 5
    utcs = [instant(run["utc"]) for run in runs]
    assert utcs == sorted(utcs) and len(set(utcs)) == 5
    assert utcs[0] > datetime.now(UTC)
    assert utcs[0] == instant(created["next_run_at"])
    for run, utc in zip(runs, utcs, strict=True):
        assert run["local"].endswith("+05:30")
        local = datetime.fromisoformat(run["local"])
        assert local == utc and (local.hour, local.minute) == (9, 0)
    assert (too_many.status_code, none.status_code) == (422, 422)
    assert len(fifty.json()["runs"]) == 50


async def test_preview_follows_daylight_saving(infra: Infrastructure, tenant_id: str) -> None:
    # Twelve monthly runs always include both EST (-05:00) and EDT (-04:00).
    body = {"cron": "0 9 1 * *", "timezone": "America/New_York"}
    async with gateway_client(infra) as client:
        response = await client.post(
            f"{SCHEDULES}/preview",
            json=body,
            params={"count": 12},
            headers=headers(infra, tenant_id),
        )
    assert response.status_code == 200, response.text
    runs = response.json()["runs"]
    assert len(runs) == 12
    offsets = set()
    for run in runs:
        local, utc = datetime.fromisoformat(run["local"]), instant(run["utc"])
        assert local == utc and (local.day, local.hour, local.minute) == (1, 9, 0)
        assert local.utcoffset() == NEW_YORK.utcoffset(utc.replace(tzinfo=None))
        offsets.add(run["local"][-6:])
    assert offsets == {"-05:00", "-04:00"}
    assert {instant(run["utc"]).hour for run in runs} == {13, 14}


async def test_preview_of_an_unsaved_body(infra: Infrastructure, tenant_id: str) -> None:
    user = headers(infra, tenant_id)
    draft = outstanding_body(
        cron=None, preset={"kind": "weekly", "days": ["mon", "thu"], "time": "08:00"}
    )
    async with gateway_client(infra) as client:
        response = await client.post(f"{SCHEDULES}/preview", json=draft, headers=user)
        bad = await client.post(f"{SCHEDULES}/preview", json={"cron": "0 9 30 2 *"}, headers=user)
        empty = await client.post(f"{SCHEDULES}/preview", json={}, headers=user)
        saved = (await client.get(SCHEDULES, headers=user)).json()["items"]
    assert response.status_code == 200, response.text
    preview = response.json()
    assert (preview["cron"], preview["timezone"]) == ("0 8 * * 1,4", "Asia/Kolkata")
    assert len(preview["runs"]) == 5
    for run in preview["runs"]:
        local = datetime.fromisoformat(run["local"])
        assert local.weekday() in (0, 3) and (local.hour, local.minute) == (8, 0)
    assert bad.status_code == 422 and fields(bad) == ["cron"]
    assert empty.status_code == 422 and fields(empty) == ["cron"]
    assert saved == []  # a preview saves nothing


async def test_pause_and_resume(infra: Infrastructure, tenant_id: str) -> None:
    user_id = f"user-{uuid.uuid4().hex[:6]}"
    user = auth_header(token_for(infra.settings, tenant_id, "user", user_id))
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), user)
        path = f"{SCHEDULES}/{created['id']}"
        paused = await client.post(f"{path}/pause", headers=user)
        assert paused.status_code == 200, paused.text
        assert paused.json()["enabled"] is False
        assert paused.json()["next_run_at"] is None
        assert paused.json()["paused_reason"] == f"paused by {user_id}@example.in"
        assert (await client.get(path, headers=user)).json() == paused.json()
        async with infra.sessions() as session:
            await session.execute(
                update(ReportSchedule)
                .where(ReportSchedule.id == uuid.UUID(created["id"]))
                .values(consecutive_failures=3)
            )
            await session.commit()
        resumed = await client.post(f"{path}/resume", headers=user)
    assert resumed.status_code == 200, resumed.text
    body = resumed.json()
    assert (body["enabled"], body["paused_reason"], body["consecutive_failures"]) == (True, None, 0)
    next_run = instant(body["next_run_at"])
    assert next_run > datetime.now(UTC)
    assert next_run.astimezone(KOLKATA).weekday() == 0


async def test_a_disabled_schedule_has_no_next_run(infra: Infrastructure, tenant_id: str) -> None:
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(enabled=False), user)
        enabled = await client.put(
            f"{SCHEDULES}/{created['id']}", json=outstanding_body(), headers=user
        )
    assert (created["enabled"], created["next_run_at"]) == (False, None)
    assert created["paused_reason"].startswith("paused by ")
    assert enabled.json()["enabled"] is True and enabled.json()["next_run_at"] is not None
    assert enabled.json()["paused_reason"] is None


async def test_an_edit_that_keeps_the_timing_keeps_the_next_run(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = headers(infra, tenant_id)
    due = datetime.now(UTC) - timedelta(seconds=5)  # due, the scheduler has not ticked yet
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), user)
        async with infra.sessions() as session:
            await session.execute(
                update(ReportSchedule)
                .where(ReportSchedule.id == uuid.UUID(created["id"]))
                .values(next_run_at=due)
            )
            await session.commit()
        path = f"{SCHEDULES}/{created['id']}"
        renamed = await client.put(path, json=outstanding_body(name="Renamed"), headers=user)
        retimed = await client.put(path, json=outstanding_body(cron="0 10 * * 1"), headers=user)
    assert instant(renamed.json()["next_run_at"]) == due
    assert instant(retimed.json()["next_run_at"]) > datetime.now(UTC)
