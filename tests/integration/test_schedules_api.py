"""The schedules API through the in-process gateway: saving, recurrence and its preview,
recipient rules, pause/resume, run now, the runs' history, and who may see what."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select, update

from shared.auth import Role
from shared.db.models import (
    EmailAudit,
    ExportJob,
    OutboxMessage,
    ReportSchedule,
    ScheduleRun,
    Tenant,
)
from shared.runtime import Infrastructure
from tests.factories import auth_header, create_ledger, create_tenant, token_for

from .gateway import gateway_client

SCHEDULES = "/api/v1/schedules"
RUNS = "/api/v1/schedule-runs"
KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")
Headers = dict[str, str]


def ledger_body(**overrides: Any) -> dict[str, Any]:
    """A ledger schedule; an override of None removes the key."""
    body: dict[str, Any] = {
        "name": "Monthly statement",
        "report": "ledger",
        "format": "pdf",
        "params": {"ledger": "sharma traders", "period": "last_month"},
        "preset": {"kind": "monthly", "day": 1, "time": "09:00"},
        "recipients": {"to": ["accounts@sharma.in"]},
    }
    return _merged(body, overrides)


def outstanding_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Weekly receivables",
        "report": "outstanding",
        "format": "xlsx",
        "params": {"kind": "receivable"},
        "cron": "0 9 * * 1",
        "recipients": {"to": ["cfo@example.in"]},
    }
    return _merged(body, overrides)


def _merged(body: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


def headers(infra: Infrastructure, tenant_id: str, role: Role = "user") -> Headers:
    return auth_header(token_for(infra.settings, tenant_id, role))


def fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


async def create(client: httpx.AsyncClient, body: dict[str, Any], who: Headers) -> dict[str, Any]:
    response = await client.post(SCHEDULES, json=body, headers=who)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def set_internal_domains(infra: Infrastructure, tenant_id: str, domains: list[str]) -> None:
    async with infra.sessions() as session:
        await session.execute(
            update(Tenant).where(Tenant.id == tenant_id).values(internal_domains=domains)
        )
        await session.commit()


async def run_count(infra: Infrastructure, schedule_id: str) -> int:
    async with infra.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(ScheduleRun)
            .where(ScheduleRun.schedule_id == uuid.UUID(schedule_id))
        )
    return int(count or 0)


async def test_crud_round_trip(infra: Infrastructure, tenant_id: str) -> None:
    await create_ledger(infra.uow(), tenant_id)
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        response = await client.post(SCHEDULES, json=ledger_body(), headers=user)
        assert response.status_code == 201, response.text
        created = response.json()
        location = f"{SCHEDULES}/{created['id']}"
        assert response.headers["location"] == location
        assert created["params"] == {"ledger": "Sharma Traders", "period": "last_month"}
        assert (created["cron"], created["timezone"]) == ("0 9 1 * *", "Asia/Kolkata")
        assert created["recipients"] == {
            "to": ["accounts@sharma.in"],
            "cc": [],
            "bcc": [],
            "distribution_list_id": None,
        }
        assert created["enabled"] is True and created["skip_if_empty"] is False
        assert created["owner_email"].endswith("@example.in")
        assert (created["last_run_at"], created["last_run_status"]) == (None, None)
        first = instant(created["next_run_at"]).astimezone(KOLKATA)
        assert (first.day, first.hour, first.minute) == (1, 9, 0)
        assert first > datetime.now(UTC)

        assert (await client.get(location, headers=user)).json() == created
        listed = (await client.get(SCHEDULES, headers=user)).json()
        assert [item["id"] for item in listed["items"]] == [created["id"]]

        replacement = ledger_body(
            name="Weekly statement",
            format="csv",
            preset=None,
            cron="30 18 * * 5",
            timezone="America/New_York",
            params={"ledger": "SHARMA TRADERS", "period": "last_n_days", "n": 7},
            recipients={"to": ["a@sharma.in"], "cc": ["b@sharma.in"], "bcc": []},
            subject="Your weekly statement",
            message="Hello",
            skip_if_empty=True,
        )
        replaced = await client.put(location, json=replacement, headers=user)
        assert replaced.status_code == 200, replaced.text
        updated = replaced.json()
        assert updated["name"] == "Weekly statement" and updated["format"] == "csv"
        assert updated["params"] == {"ledger": "Sharma Traders", "period": "last_n_days", "n": 7}
        assert (updated["subject"], updated["message"]) == ("Your weekly statement", "Hello")
        assert updated["recipients"]["cc"] == ["b@sharma.in"]
        assert updated["skip_if_empty"] is True
        friday = instant(updated["next_run_at"]).astimezone(NEW_YORK)
        assert (friday.weekday(), friday.hour, friday.minute) == (4, 18, 30)
        assert (await client.get(location, headers=user)).json() == updated

        deleted = await client.delete(location, headers=user)
        assert deleted.status_code == 204
        assert (await client.get(location, headers=user)).status_code == 404
        assert (await client.get(SCHEDULES, headers=user)).json()["items"] == []


async def test_an_outstanding_schedule_stores_no_as_of(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), user)
        with_date = await client.post(
            SCHEDULES,
            json=outstanding_body(params={"kind": "payable", "as_of": "2025-04-01"}),
            headers=user,
        )
    assert created["params"] == {"kind": "receivable"}
    assert created["cron"] == "0 9 * * 1"
    assert with_date.status_code == 422
    assert fields(with_date) == ["params.as_of"]


@pytest.mark.parametrize(
    ("preset", "cron"),
    [
        ({"kind": "daily", "time": "07:15"}, "15 7 * * *"),
        ({"kind": "weekly", "days": ["fri", "mon"], "time": "09:00"}, "0 9 * * 1,5"),
        ({"kind": "monthly", "day": 15, "time": "10:30"}, "30 10 15 * *"),
        ({"kind": "monthly", "day": "last", "time": "18:00"}, "0 18 L * *"),
    ],
)
async def test_a_preset_is_stored_as_its_cron(
    infra: Infrastructure, tenant_id: str, preset: dict[str, Any], cron: str
) -> None:
    user = headers(infra, tenant_id)
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(cron=None, preset=preset), user)
        preview = await client.get(f"{SCHEDULES}/{created['id']}/preview", headers=user)
    assert created["cron"] == cron
    if preset.get("day") == "last":
        for run in preview.json()["runs"]:
            local = datetime.fromisoformat(run["local"])
            assert (local + timedelta(days=1)).day == 1  # the month's last day


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"preset": None, "cron": "0 9 * *"}, "cron"),
        ({"preset": None, "cron": "61 9 * * *"}, "cron"),
        ({"preset": None, "cron": "0 9 30 2 *"}, "cron"),
        ({"preset": None}, "cron"),
        ({"cron": "0 9 * * *"}, "cron"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
        ({"preset": {"kind": "daily", "time": "25:00"}}, "preset.time"),
        ({"preset": {"kind": "weekly", "days": [], "time": "09:00"}}, "preset.days"),
        ({"preset": {"kind": "monthly", "day": 32, "time": "09:00"}}, "preset.day"),
        ({"preset": {"kind": "yearly", "time": "09:00"}}, "preset.kind"),
        ({"params": {"ledger": "Sharma Traders", "period": "fortnight"}}, "params.period"),
        ({"params": {"ledger": "Sharma Traders", "period": "last_n_days"}}, "params.n"),
        ({"params": {"ledger": "Sharma Traders", "period": "last_month", "n": 3}}, "params.n"),
        ({"params": {"ledger": "Sharma Traders", "period": "last_n_days", "n": 0}}, "params.n"),
        ({"params": {"ledger": "Nobody & Co", "period": "last_month"}}, "params.ledger"),
        ({"params": {"ledger": "Sharma Traders"}}, "params.period"),
        ({"format": "docx"}, "format"),
        ({"subject": "Hello\r\nBcc: spy@evil.com"}, "subject"),
        ({"name": "Monthly\nstatement"}, "name"),
        ({"recipients": {"to": ["not an address"]}}, "recipients.to.0"),
    ],
)
async def test_each_bad_field_is_named(
    infra: Infrastructure, tenant_id: str, overrides: dict[str, Any], field: str
) -> None:
    await create_ledger(infra.uow(), tenant_id)
    async with gateway_client(infra) as client:
        response = await client.post(
            SCHEDULES, json=ledger_body(**overrides), headers=headers(infra, tenant_id)
        )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in fields(response), response.json()


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


async def test_outstanding_refuses_external_addresses(
    infra: Infrastructure, tenant_id: str
) -> None:
    user = headers(infra, tenant_id)
    recipients = {
        "to": ["cfo@example.in", "partner@gmail.com"],
        "bcc": ["x@example.in.evil.com"],
    }
    async with gateway_client(infra) as client:
        response = await client.post(
            SCHEDULES, json=outstanding_body(recipients=recipients), headers=user
        )
        nobody = await client.post(
            SCHEDULES, json=outstanding_body(recipients={"cc": ["cfo@example.in"]}), headers=user
        )
    assert response.status_code == 422
    assert fields(response) == ["recipients.to.1", "recipients.bcc.0"]
    assert "partner@gmail.com" in response.json()["detail"]
    assert nobody.status_code == 422 and fields(nobody) == ["recipients.to"]


async def test_outstanding_through_a_distribution_list(
    infra: Infrastructure, tenant_id: str
) -> None:
    await set_internal_domains(infra, tenant_id, ["example.in", "branch.in"])
    await create_ledger(infra.uow(), tenant_id)
    admin = headers(infra, tenant_id, "admin")
    user = headers(infra, tenant_id)
    other_tenant = await create_tenant(infra.uow())
    async with gateway_client(infra) as client:
        made = await client.post(
            "/api/v1/distribution-lists",
            json={"name": "Branch", "to": ["head@branch.in"], "cc": ["ar@example.in"]},
            headers=admin,
        )
        assert made.status_code == 201, made.text
        list_id = made.json()["id"]
        theirs = await client.post(
            "/api/v1/distribution-lists",
            json={"name": "Theirs", "to": ["boss@example.in"]},
            headers=headers(infra, other_tenant, "admin"),
        )
        by_list = {"to": [], "distribution_list_id": list_id}
        accepted = await create(client, outstanding_body(recipients=by_list), user)
        await set_internal_domains(infra, tenant_id, ["example.in"])
        refused = await client.post(
            SCHEDULES, json=outstanding_body(recipients=by_list), headers=user
        )
        foreign = await client.post(
            SCHEDULES,
            json=outstanding_body(recipients={"distribution_list_id": theirs.json()["id"]}),
            headers=user,
        )
        for_a_ledger = await client.post(
            SCHEDULES, json=ledger_body(recipients=by_list), headers=user
        )
    assert accepted["recipients"] == {
        "to": [],
        "cc": [],
        "bcc": [],
        "distribution_list_id": list_id,
    }
    assert refused.status_code == 422
    assert fields(refused) == ["recipients.distribution_list_id"]
    assert "head@branch.in" in refused.json()["detail"]
    assert foreign.status_code == 422 and fields(foreign) == ["recipients.distribution_list_id"]
    assert for_a_ledger.status_code == 422
    assert "recipients.distribution_list_id" in fields(for_a_ledger)


async def test_ledger_to_may_be_left_to_the_party_directory(
    infra: Infrastructure, tenant_id: str
) -> None:
    await create_ledger(infra.uow(), tenant_id)
    user = headers(infra, tenant_id)
    without_to = ledger_body(recipients={"cc": ["me@example.in"]})
    async with gateway_client(infra) as client:
        refused = await client.post(SCHEDULES, json=without_to, headers=user)
        entry = await client.post(
            "/api/v1/party-emails",
            json={"ledger_name": "SHARMA  traders", "to": ["accounts@sharma.in"]},
            headers=headers(infra, tenant_id, "admin"),
        )
        assert entry.status_code == 201, entry.text
        accepted = await create(client, without_to, user)
    assert refused.status_code == 422
    assert fields(refused) == ["recipients.to"]
    assert "no recipient" in refused.json()["detail"]
    # The directory is read again at every run; only what was typed is stored.
    assert accepted["recipients"]["to"] == []
    assert accepted["recipients"]["cc"] == ["me@example.in"]


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


async def test_users_see_their_own_and_admins_the_tenants(
    infra: Infrastructure, tenant_id: str
) -> None:
    owner, colleague = headers(infra, tenant_id), headers(infra, tenant_id)
    admin = headers(infra, tenant_id, "admin")
    async with gateway_client(infra) as client:
        mine = await create(client, outstanding_body(name="Mine"), owner)
        theirs = await create(client, outstanding_body(name="Theirs"), colleague)
        admins = await create(client, outstanding_body(name="Admin's"), admin)
        run = (await client.post(f"{SCHEDULES}/{mine['id']}/run", headers=owner)).json()

        own_list = (await client.get(SCHEDULES, headers=owner)).json()["items"]
        assert [item["id"] for item in own_list] == [mine["id"]]
        everything = (await client.get(SCHEDULES, headers=admin)).json()["items"]
        assert [item["id"] for item in everything] == [admins["id"], theirs["id"], mine["id"]]
        paged = (await client.get(SCHEDULES, params={"limit": 2}, headers=admin)).json()
        rest = await client.get(
            SCHEDULES, params={"limit": 2, "cursor": paged["next_cursor"]}, headers=admin
        )
        assert [item["id"] for item in rest.json()["items"]] == [mine["id"]]

        assert await _statuses(client, mine["id"], run["id"], colleague) == {404}
        # An admin manages anyone's schedule; the owner stays who it was.
        assert (await client.get(f"{RUNS}/{run['id']}", headers=admin)).status_code == 200
        replaced = await client.put(
            f"{SCHEDULES}/{mine['id']}", json=outstanding_body(name="Renamed"), headers=admin
        )
        assert replaced.status_code == 200, replaced.text
        assert replaced.json()["owner"] == mine["owner"]
        paused = await client.post(f"{SCHEDULES}/{mine['id']}/pause", headers=admin)
        assert paused.json()["paused_reason"].startswith("paused by admin-")


async def test_another_tenant_gets_404_everywhere(infra: Infrastructure, tenant_id: str) -> None:
    owner = headers(infra, tenant_id)
    stranger = headers(infra, await create_tenant(infra.uow()), "admin")
    async with gateway_client(infra) as client:
        created = await create(client, outstanding_body(), owner)
        run = (await client.post(f"{SCHEDULES}/{created['id']}/run", headers=owner)).json()
        assert await _statuses(client, created["id"], run["id"], stranger) == {404}
        assert (await client.get(SCHEDULES, headers=stranger)).json()["items"] == []
        unauthenticated = await client.get(SCHEDULES)
        still_there = await client.get(f"{SCHEDULES}/{created['id']}", headers=owner)
    assert unauthenticated.status_code == 401
    assert still_there.json()["enabled"] is True
    assert await run_count(infra, created["id"]) == 1


async def _statuses(
    client: httpx.AsyncClient, schedule_id: str, run_id: str, who: Headers
) -> set[int]:
    """The status of every endpoint on a schedule and its run, for one caller."""
    path = f"{SCHEDULES}/{schedule_id}"
    calls = [
        client.get(path, headers=who),
        client.put(path, json=outstanding_body(), headers=who),
        client.get(f"{path}/preview", headers=who),
        client.post(f"{path}/pause", headers=who),
        client.post(f"{path}/resume", headers=who),
        client.post(f"{path}/run", headers=who),
        client.get(f"{path}/runs", headers=who),
        client.get(f"{RUNS}/{run_id}", headers=who),
        client.delete(path, headers=who),
    ]
    return {(await call).status_code for call in calls}
