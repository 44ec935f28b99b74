"""The campaign's work, sent over HTTP as a client would: manual ledger emails, exports and
scheduled runs ("run now"), paced over the campaign, every answer logged with its time.

A request the gateway refuses with 503 (PostgreSQL away) or that cannot reach it is sent
again with the same `Idempotency-Key`, as a well-behaved client does: every piece of work is
accepted once in the end, and the log keeps every answer for the verdict.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, create_ledger, create_tenant, token_for

API = "/api/v1"
LEDGERS = 8
RESUBMIT_AFTER_SECONDS = 0.5  # a client's pause before sending a refused request again
GIVE_UP_AFTER_SECONDS = 60.0


@dataclass
class Work:
    """What was asked for: the ids the verdict looks up, and every answer the gateway gave."""

    tenant_id: str
    headers: dict[str, str]
    ledgers: list[str] = field(default_factory=list)
    schedule_ids: list[str] = field(default_factory=list)
    email_ids: list[str] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    run_ids: list[str] = field(default_factory=list)
    answers: list[tuple[float, str]] = field(default_factory=list)  # (monotonic, status)


async def prepare(infra: Infrastructure, schedules: int) -> Work:
    """A tenant with ledgers that have entries in the last month, and its schedules."""
    tenant_id = await create_tenant(infra.uow())
    recent = date.today() - timedelta(days=3)
    work = Work(tenant_id, auth_header(token_for(infra.settings, tenant_id, "user", "clerk")))
    for n in range(LEDGERS):
        entries = [(recent, Decimal("1180.00"), Decimal("0")), (recent, Decimal("0"), Decimal(n))]
        work.ledgers.append(
            await create_ledger(infra.uow(), tenant_id, f"Party {n}", entries=entries)
        )
    return work


async def create_schedules(client: httpx.AsyncClient, work: Work, count: int) -> None:
    for n in range(count):
        body = {
            "name": f"Statement {n}",
            "report": "ledger",
            "format": "csv",
            "params": {"ledger": work.ledgers[n % LEDGERS], "period": "last_n_days", "n": 30},
            "cron": "0 9 1 1 *",  # yearly: only "run now" makes runs during the campaign
            "recipients": {"to": [f"owner{n}@example.in"]},
        }
        answer = await _submit(client, work, "/schedules", body)
        work.schedule_ids.append(answer["id"])


async def send_load(client: httpx.AsyncClient, work: Work, plan: list[str], seconds: float) -> None:
    """Submit `plan` (kinds: "email", "export", "run") evenly over `seconds`; each submission
    runs on its own, so a slow answer never holds back the pace."""
    started = time.monotonic()
    pending = []
    for n, kind in enumerate(plan):
        await asyncio.sleep(max(0.0, started + n * seconds / len(plan) - time.monotonic()))
        pending.append(asyncio.create_task(_one(client, work, kind, n)))
    await asyncio.gather(*pending)


async def _one(client: httpx.AsyncClient, work: Work, kind: str, n: int) -> None:
    ledger = work.ledgers[n % LEDGERS]
    period = {"from_date": str(date.today() - timedelta(days=30)), "to_date": str(date.today())}
    if kind == "email":
        body = {"ledger": ledger, **period, "format": "csv", "to": [f"party{n}@example.in"]}
        work.email_ids.append(
            (await _submit(client, work, "/reports/ledger/email", body))["email_id"]
        )
    elif kind == "export":
        body = {"report": "ledger", "format": "csv", "params": {"ledger": ledger, **period}}
        work.job_ids.append((await _submit(client, work, "/exports/jobs", body))["id"])
    else:
        schedule = random.choice(work.schedule_ids)
        run = await _submit(client, work, f"/schedules/{schedule}/run", None)
        work.run_ids.append(run["id"])


async def _submit(client: httpx.AsyncClient, work: Work, path: str, body: Any) -> Any:
    headers = {**work.headers, "Idempotency-Key": uuid.uuid4().hex}
    deadline = time.monotonic() + GIVE_UP_AFTER_SECONDS
    while True:
        try:
            response = await client.post(f"{API}{path}", json=body, headers=headers)
            work.answers.append((time.monotonic(), str(response.status_code)))
            if response.status_code < 300:
                return response.json()
            if response.status_code not in (429, 503) and response.status_code < 500:
                raise AssertionError(f"POST {path}: {response.status_code} {response.text}")
        except httpx.TransportError as exc:
            work.answers.append((time.monotonic(), type(exc).__name__))
        assert time.monotonic() < deadline, f"POST {path} still refused after a minute"
        await asyncio.sleep(RESUBMIT_AFTER_SECONDS)  # a client's back-off, not a wait for work
