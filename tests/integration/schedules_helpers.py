"""Shared helpers of the schedules API tests: request bodies, headers, small readers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import func, select

from shared.infra.db.models import ScheduleRun
from shared.infra.runtime import Infrastructure
from shared.infra.tokens import Role
from tests.factories import auth_header, token_for

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


async def run_count(infra: Infrastructure, schedule_id: str) -> int:
    async with infra.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(ScheduleRun)
            .where(ScheduleRun.schedule_id == uuid.UUID(schedule_id))
        )
    return int(count or 0)
