"""Saving schedules through the API: the round trip, presets as cron, bad fields named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from shared.infra.runtime import Infrastructure
from tests.factories import create_ledger

from .gateway import gateway_client
from .schedules_helpers import (
    KOLKATA,
    NEW_YORK,
    SCHEDULES,
    create,
    fields,
    headers,
    instant,
    ledger_body,
    outstanding_body,
)


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


async def test_an_unknown_ledger_is_404_naming_it(infra: Infrastructure, tenant_id: str) -> None:
    """The books decide whether a ledger exists: a state of the tenant's data, not a bad field."""
    body = ledger_body(params={"ledger": "Nobody & Co", "period": "last_month"})
    async with gateway_client(infra) as client:
        response = await client.post(SCHEDULES, json=body, headers=headers(infra, tenant_id))
    assert response.status_code == 404, response.text
    assert response.json()["code"] == "ledger_not_found"
    assert fields(response) == ["params.ledger"]
