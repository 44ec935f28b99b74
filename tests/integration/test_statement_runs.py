"""Statement runs: every debtor its own statement, skipped ones counted by reason, a failing
address, resending failures, idempotency and the hourly quota, through the real gateway,
export-service, mail-service and an aiosmtpd server."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from export_service.bootstrap import build_worker as build_export_worker

from shared.infra.bus import StreamConsumer
from shared.infra.db.models import EmailBounce
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump

from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker
from .statement_runs_helpers import (
    PERIOD,
    REFUSED,
    RUNS,
    admin,
    correct_address,
    debtors_with_directory,
)

if TYPE_CHECKING:
    from tests.smtp_kit import SmtpSink
    from tests.smtp_kit.fixtures import SinkFactory

RUN = {"group": "sundry debtors", **PERIOD, "format": "csv", "skip_zero_balance": True}


async def _stack(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> tuple[Infrastructure, SmtpSink, list[StreamConsumer]]:
    sink = await smtp_sinks("plain", refuse_recipients=[REFUSED])
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await debtors_with_directory(infra, tenant_id)
    return infra, sink, [build_export_worker(infra)[0].consumer(), mail_worker(infra)[0]]


async def _get(infra: Infrastructure, tenant_id: str, path: str, **params: Any) -> Any:
    async with gateway_client(infra) as client:
        response = await client.get(path, headers=admin(infra, tenant_id), params=params)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_run_over_a_group_sends_each_party_its_own_statement(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    infra, sink, consumers = await _stack(infra, tenant_id, smtp_sinks)
    async with gateway_client(infra) as client:
        refused = await client.post(RUNS, json=RUN, headers=admin(infra, tenant_id))
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "no_directory_entry"
        assert "'Bharat Traders'" in refused.json()["detail"]

        body = {**RUN, "skip_without_email": True}
        started = await client.post(RUNS, json=body, headers=admin(infra, tenant_id))
    assert started.status_code == 202, started.text
    run = started.json()
    assert started.headers["Location"] == f"{RUNS}/{run['id']}"
    assert run["status"] == "running"
    counts = run["counts"]
    assert (counts["total"], counts["queued"], counts["skipped"]) == (5, 3, 2)
    assert counts["skipped_by_reason"] == {"no_email": 1, "zero_balance": 1, "no_activity": 0}

    await pump(*consumers)
    messages = await sink.wait_for_messages(2)
    by_recipient = {message.rcpt_tos: message.message for message in messages}
    assert set(by_recipient) == {("accounts@arora.in", "owner@arora.in"), ("hishob@ganesh.in",)}
    # Never one party's statement to another: each email names and attaches its own ledger.
    arora = by_recipient[("accounts@arora.in", "owner@arora.in")]
    assert "Arora Stores" in arora["Subject"]
    [attachment] = list(arora.iter_attachments())
    assert attachment.get_filename().startswith("Ledger_Arora-Stores_2025-04-01")
    assert "Closing Balance,,,,,3500.00" in str(attachment.get_content())  # Arora's own
    ganesh = by_recipient[("hishob@ganesh.in",)]
    assert ganesh["Subject"].startswith("खाते उतारा: श्री गणेश ट्रेडर्स")  # the party's language

    finished = await _get(infra, tenant_id, f"{RUNS}/{run['id']}")
    assert finished["status"] == "finished"
    assert (finished["counts"]["sent"], finished["counts"]["failed"]) == (2, 1)
    items = (await _get(infra, tenant_id, f"{RUNS}/{run['id']}/items"))["items"]
    outcome = {item["ledger"]: (item["status"], item["skip_reason"]) for item in items}
    assert outcome == {
        "Arora Stores": ("sent", None),
        "Bharat Traders": ("skipped", "no_email"),
        "Chawla & Sons": ("skipped", "zero_balance"),
        "Dev Agencies": ("failed", None),
        "श्री गणेश ट्रेडर्स": ("sent", None),
    }
    dev = next(item for item in items if item["ledger"] == "Dev Agencies")
    assert dev["to"] == [REFUSED] and "550" in dev["error"]
    assert dev["closing_balance"] == "-500.00"
    page = await _get(infra, tenant_id, f"{RUNS}/{run['id']}/items", limit=2, status="skipped")
    assert [item["ledger"] for item in page["items"]] == ["Bharat Traders", "Chawla & Sons"]
    assert page["next_cursor"] is None
    first = await _get(infra, tenant_id, f"{RUNS}/{run['id']}/items", limit=2)
    after = await _get(
        infra, tenant_id, f"{RUNS}/{run['id']}/items", limit=2, cursor=first["next_cursor"]
    )
    assert [item["position"] for item in after["items"]] == [2, 3]

    # Resend the failure once the directory is corrected: only that statement goes again.
    await correct_address(infra, tenant_id, "Dev Agencies", "accounts@devagencies.in")
    async with gateway_client(infra) as client:
        resent = await client.post(
            f"{RUNS}/{run['id']}/resend-failed", headers=admin(infra, tenant_id)
        )
        again = await client.post(
            f"{RUNS}/{run['id']}/resend-failed", headers=admin(infra, tenant_id)
        )
    assert resent.status_code == 202, resent.text
    assert resent.json()["resent"] == 1 and resent.json()["run"]["counts"]["queued"] == 1
    assert again.json()["resent"] == 0  # the first click queued it: nothing failed now
    await pump(*consumers)
    messages = await sink.wait_for_messages(3)
    assert messages[-1].rcpt_tos == ("accounts@devagencies.in",)
    assert "Dev Agencies" in messages[-1].message["Subject"]
    done = await _get(infra, tenant_id, f"{RUNS}/{run['id']}")
    assert (done["counts"]["sent"], done["counts"]["failed"]) == (3, 0)
    items = (await _get(infra, tenant_id, f"{RUNS}/{run['id']}/items", status="sent"))["items"]
    assert [item["resends"] for item in items if item["ledger"] == "Dev Agencies"] == [1]


async def test_idempotency_key_and_listed_ledgers(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    infra, _, _ = await _stack(infra, tenant_id, smtp_sinks)
    body = {"ledgers": ["arora stores", "Dev Agencies"], **PERIOD}
    key = {"Idempotency-Key": "month-end-2025-06"}
    async with gateway_client(infra) as client:
        headers = {**admin(infra, tenant_id), **key}
        first = await client.post(RUNS, json=body, headers=headers)
        second = await client.post(RUNS, json=body, headers=headers)
        other = await client.post(RUNS, json={**body, "format": "xlsx"}, headers=headers)
        unknown = await client.post(
            RUNS,
            json={"ledgers": ["Arora Stores", "Nobody"], **PERIOD},
            headers=admin(infra, tenant_id),
        )
        listed = await client.get(RUNS, headers=admin(infra, tenant_id))
    assert first.status_code == second.status_code == 202, first.text
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["ledgers"] == ["arora stores", "Dev Agencies"]
    assert first.json()["counts"]["queued"] == 2
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert unknown.status_code == 404
    assert unknown.json()["errors"][0] == {
        "field": "ledgers.1",
        "message": "no ledger named 'Nobody'",
        "code": "ledger_not_found",
    }
    assert [run["id"] for run in listed.json()["items"]] == [first.json()["id"]]


async def test_two_requests_with_one_key_at_once_start_one_run(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    infra, _, _ = await _stack(infra, tenant_id, smtp_sinks)
    body = {"group": "Sundry Debtors", **PERIOD, "skip_without_email": True}
    headers = {**admin(infra, tenant_id), "Idempotency-Key": "double-click"}
    async with gateway_client(infra) as client:
        answers = await asyncio.gather(
            *(client.post(RUNS, json=body, headers=headers) for _ in range(3))
        )
        listed = await client.get(RUNS, headers=admin(infra, tenant_id))
    assert {answer.status_code for answer in answers} == {202}, [a.text for a in answers]
    assert len({answer.json()["id"] for answer in answers}) == 1
    assert len(listed.json()["items"]) == 1


async def test_the_hourly_quota_counts_statements_not_requests(
    infra: Infrastructure, tenant_id: str, smtp_sinks: SinkFactory
) -> None:
    infra, _, _ = await _stack(infra, tenant_id, smtp_sinks)
    infra = mail_infra(infra, statement_runs_hourly_quota=3, send_rate_per_minute=1)
    async with gateway_client(infra) as client:
        headers = admin(infra, tenant_id)
        two = await client.post(
            RUNS, json={"ledgers": ["Arora Stores", "Dev Agencies"], **PERIOD}, headers=headers
        )
        one = await client.post(RUNS, json={"ledgers": ["Arora Stores"], **PERIOD}, headers=headers)
        over = await client.post(
            RUNS, json={"ledgers": ["Dev Agencies"], **PERIOD}, headers=headers
        )
        never = await client.post(
            RUNS,
            json={**RUN, "skip_zero_balance": False, "skip_without_email": True},
            headers=headers,
        )
    # The per-minute manual limit (1 here) does not apply: two runs of statements went through.
    assert two.status_code == one.status_code == 202, one.text
    assert over.status_code == 429, over.text
    assert over.json()["code"] == "statement_quota_exceeded"
    assert 3500 <= int(over.headers["Retry-After"]) <= 3600
    assert never.status_code == 429 and "Retry-After" not in never.headers  # 4 > 3: never fits


async def test_bad_requests_name_their_field(infra: Infrastructure, tenant_id: str) -> None:
    cases = [
        ({"group": "Sundry Debtors", "ledgers": ["A"], **PERIOD}, "group"),
        ({**PERIOD}, "group"),
        ({"group": "Sundry Debtors"}, "from_date"),
        ({"group": "Sundry Debtors", "period": "last_month", **PERIOD}, "period"),
        ({"group": "Sundry Debtors", "period": "someday"}, "period"),
        ({"group": "Sundry Debtors", "period": "last_month", "n": 3}, "n"),
        (
            {"group": "Sundry Debtors", "from_date": "2025-05-01", "to_date": "2025-04-01"},
            "from_date",
        ),
    ]
    async with gateway_client(infra) as client:
        for body, field in cases:
            response = await client.post(RUNS, json=body, headers=admin(infra, tenant_id))
            assert response.status_code == 422, (body, response.text)
            assert response.json()["errors"][0]["field"] == field, (body, response.text)
        missing = await client.post(
            RUNS, json={"group": "Nobody's group", **PERIOD}, headers=admin(infra, tenant_id)
        )
    assert missing.status_code == 404 and missing.json()["code"] == "group_not_found"


async def test_a_bounce_makes_its_item_bounced_and_it_is_resent(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    infra, sink, consumers = await _stack(infra, tenant_id, smtp_sinks)
    body = {"ledgers": ["Arora Stores", "Dev Agencies"], **PERIOD}
    async with gateway_client(infra) as client:
        started = await client.post(RUNS, json=body, headers=admin(infra, tenant_id))
    run = started.json()
    await pump(*consumers)
    items = (await _get(infra, tenant_id, f"{RUNS}/{run['id']}/items"))["items"]
    arora = next(item for item in items if item["ledger"] == "Arora Stores")
    assert arora["status"] == "sent"
    # The mailbox reader matched a DSN to Arora's owner address (as bounce tracking records it).
    async with infra.uow() as uow:
        uow.session.add(
            EmailBounce(
                tenant_id=tenant_id,
                email_id=arora["email_id"],
                address="owner@arora.in",
                status_code="5.1.1",
                diagnostic="550 5.1.1 user unknown",
            )
        )
        await uow.commit()
    counts = (await _get(infra, tenant_id, f"{RUNS}/{run['id']}"))["counts"]
    assert (counts["sent"], counts["bounced"], counts["failed"]) == (0, 1, 1)
    page = await _get(infra, tenant_id, f"{RUNS}/{run['id']}/items", status="bounced")
    assert [(item["ledger"], item["status"]) for item in page["items"]] == [
        ("Arora Stores", "bounced")
    ]
    async with gateway_client(infra) as client:
        resent = await client.post(
            f"{RUNS}/{run['id']}/resend-failed", headers=admin(infra, tenant_id)
        )
    assert resent.json()["resent"] == 2  # the failed one and the bounced one
    await pump(*consumers)
    after = (await _get(infra, tenant_id, f"{RUNS}/{run['id']}"))["counts"]
    assert (after["sent"], after["bounced"], after["failed"]) == (1, 0, 1)  # Dev: still refused
    assert len(await sink.wait_for_messages(2)) >= 2
