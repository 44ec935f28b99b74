"""The mail-service working a batch at a time: one read of mixed emails, tenants, connections."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from mail_service.bootstrap import build_worker
from sqlalchemy import update

from shared.events import ExportFinished, Streams
from shared.infra.db.models import ExportJob
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump
from tests.factories import create_tenant

from .mailing import (
    audit_rows,
    configure_smtp,
    email_row,
    mail_infra,
    mail_worker,
    queue_email,
    stored_export,
)

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

BATCH_FAILED = "batch handler failed"


async def _set_export_status(infra: Infrastructure, job_id: uuid.UUID, **values: Any) -> None:
    async with infra.uow() as uow:
        await uow.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))
        await uow.commit()


async def _events(infra: Infrastructure, stream: str) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Every event on `stream` (this test's prefix), by the email it is about."""
    entries: Any = await infra.redis.xrange(infra.settings.stream(stream))
    found: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for _, fields in entries:
        data = json.loads(fields[b"data"])
        found.setdefault(uuid.UUID(data["email_id"]), []).append(data)
    return found


async def _assert_each_sent_once(
    infra: Infrastructure, email_ids: list[uuid.UUID], received: list[Any]
) -> None:
    """The sink got exactly these emails, each `sent` with one audit row."""
    expected = {(await email_row(infra, i)).message_id for i in email_ids}
    assert {m.message["Message-ID"] for m in received} == expected
    for email_id in email_ids:
        assert (await email_row(infra, email_id)).status == "sent"
        assert [a.status for a in await audit_rows(infra, email_id)] == ["sent"]


async def test_one_read_of_mixed_emails_settles_each_on_its_own_merits(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    sink = await smtp_sinks("plain", refuse_recipients={"gone@example.in"})
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    unconfigured_tenant = await create_tenant(infra.uow())  # no SMTP settings at all
    failed_job = await stored_export(infra, tenant_id, "csv", 10)
    await _set_export_status(infra, failed_job, status="failed", error="ledger: gone")
    running_job = await stored_export(infra, tenant_id, "csv", 10)
    await _set_export_status(infra, running_job, status="running")

    sendable = await queue_email(
        infra, tenant_id, job_id=await stored_export(infra, tenant_id, "csv", 512)
    )
    export_failed = await queue_email(infra, tenant_id, job_id=failed_job)
    waiting = await queue_email(infra, tenant_id, job_id=running_job)
    no_smtp = await queue_email(infra, unconfigured_tenant)
    partly_refused = await queue_email(
        infra, tenant_id, to=["party@example.in", "gone@example.in", "second@example.in"]
    )
    consumer, _ = mail_worker(infra)
    await pump(consumer)  # one relay, then one read holding all five requests

    assert BATCH_FAILED not in caplog.text  # settled by the batch handler, not one by one
    sent_ids = {(await email_row(infra, i)).message_id: i for i in (sendable, partly_refused)}
    assert {m.message["Message-ID"] for m in sink.messages} == set(sent_ids)
    assert len(sink.messages) == 2
    [refused_msg] = [
        m for m in sink.messages if sent_ids[m.message["Message-ID"]] == partly_refused
    ]
    assert refused_msg.rcpt_tos == ("party@example.in", "second@example.in")

    email = await email_row(infra, sendable)
    assert (email.status, email.attempts) == ("sent", 1)
    [audit] = await audit_rows(infra, sendable)
    assert (audit.status, audit.smtp_code, audit.delivery_mode) == ("sent", 250, "attachment")
    assert (audit.attachment_name, audit.attachment_size) == ("Ledger_Test.csv", 512)

    email = await email_row(infra, export_failed)
    assert (email.status, email.attempts) == ("failed", 0)
    assert email.error == "the report could not be produced: ledger: gone"
    [audit] = await audit_rows(infra, export_failed)
    assert (audit.status, audit.error_class, audit.error) == (
        "failed",
        "export_failed",
        email.error,
    )

    email = await email_row(infra, waiting)
    assert (email.status, email.attempts, email.error) == ("queued", 0, None)
    assert await audit_rows(infra, waiting) == []

    email = await email_row(infra, no_smtp)
    assert (email.status, email.error) == ("failed", "SMTP is not configured for this tenant")
    [audit] = await audit_rows(infra, no_smtp)
    assert (audit.status, audit.error_class, audit.tenant_id) == (
        "failed",
        "config",
        unconfigured_tenant,
    )

    email = await email_row(infra, partly_refused)
    assert (email.status, email.attempts) == ("sent", 1)
    [audit] = await audit_rows(infra, partly_refused)
    assert (audit.status, audit.smtp_code) == ("sent", 250)
    assert audit.refused_recipients is not None
    assert list(audit.refused_recipients) == ["gone@example.in"]
    assert audit.refused_recipients["gone@example.in"].startswith("550")

    # Each `email.finished` carries the correlation id of its own `email.requested`.
    requested = await _events(infra, Streams.EMAIL_REQUESTED)
    finished = await _events(infra, Streams.EMAIL_FINISHED)
    correlation = {i: r["correlation_id"] for i, [r] in requested.items()}
    assert len(set(correlation.values())) == 5  # five requests, five distinct ids
    assert set(finished) == {sendable, export_failed, no_smtp, partly_refused}
    for email_id, status in (
        (sendable, "sent"),
        (partly_refused, "sent"),
        (export_failed, "failed"),
        (no_smtp, "failed"),
    ):
        [event] = finished[email_id]
        assert (event["status"], event["correlation_id"]) == (status, correlation[email_id])

    # The waiting email goes out once its export finishes.
    await _set_export_status(infra, running_job, status="succeeded")
    async with infra.uow() as uow:
        uow.publish(ExportFinished(tenant_id=tenant_id, job_id=running_job, status="succeeded"))
        await uow.commit()
    await pump(consumer)
    assert (await email_row(infra, waiting)).status == "sent"
    assert len(await sink.wait_for_messages(3)) == 3


async def test_two_tenants_in_one_batch_each_reach_their_own_server(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    first_sink = await smtp_sinks("plain")
    second_sink = await smtp_sinks("plain")
    other_tenant = await create_tenant(infra.uow())
    await configure_smtp(infra, tenant_id, first_sink)
    await configure_smtp(infra, other_tenant, second_sink)
    queued: dict[str, list[uuid.UUID]] = {tenant_id: [], other_tenant: []}
    for _ in range(3):  # interleaved, so the read mixes the two tenants
        for tenant in (tenant_id, other_tenant):
            queued[tenant].append(await queue_email(infra, tenant))
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    assert BATCH_FAILED not in caplog.text
    for tenant, sink in ((tenant_id, first_sink), (other_tenant, second_sink)):
        received = await sink.wait_for_messages(3)
        assert len(received) == 3
        await _assert_each_sent_once(infra, queued[tenant], received)


async def test_eight_emails_to_one_server_use_at_most_two_connections(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    sink = await smtp_sinks("plain")
    # Two consumer loops with four emails per read: two batches at once, still two connections.
    # (A long claim idle time: neither loop takes over the other's messages in flight.)
    infra = mail_infra(
        infra,
        sink,
        mail_connections_per_server=2,
        mail_concurrent_batches=2,
        bus_batch_size=4,
        bus_claim_idle_ms=60_000,
    )
    await configure_smtp(infra, tenant_id, sink)
    email_ids = [await queue_email(infra, tenant_id) for _ in range(8)]
    worker, _ = build_worker(infra)
    consumers = worker.consumers()
    assert len(consumers) == 2
    await pump()  # relay the eight requests
    await asyncio.gather(*(c.drain() for c in consumers))
    await pump(*consumers)  # relay what the sends announced

    assert BATCH_FAILED not in caplog.text
    received = await sink.wait_for_messages(8)
    assert len(received) == 8
    assert len({m.connection for m in received}) <= 2
    assert sink.connection_count <= 2
    await _assert_each_sent_once(infra, email_ids, received)


async def test_losing_the_database_while_recording_is_retried_and_the_email_sent_once(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from mail_service import outcomes
    from sqlalchemy import text

    from shared.domain import email_claims

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id)
    real_mark_all_sent = email_claims.mark_all_sent
    calls = 0

    async def connection_dies_the_first_time(*args: Any) -> set[uuid.UUID]:
        nonlocal calls
        calls += 1
        if calls == 1:  # the server ends our session mid-transaction: a real connection loss
            uow = args[0]
            await uow.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
        return await real_mark_all_sent(*args)

    monkeypatch.setattr(outcomes.email_claims, "mark_all_sent", connection_dies_the_first_time)
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    assert calls == 2
    assert "recording email outcomes failed; trying again" in caplog.text
    assert len(await sink.wait_for_messages(1)) == 1
    email = await email_row(infra, email_id)
    assert (email.status, email.attempts) == ("sent", 1)
    assert [a.status for a in await audit_rows(infra, email_id)] == ["sent"]


async def test_a_connection_offers_its_next_message_only_once_the_last_is_recorded(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker killed at any moment leaves at most one sent, unrecorded email per conversation:
    whenever outcomes are being recorded, the server holds nothing beyond them."""
    from mail_service import server_batch

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink, mail_connections_per_server=1)
    await configure_smtp(infra, tenant_id, sink)
    email_ids = [await queue_email(infra, tenant_id) for _ in range(4)]
    at_the_server: list[tuple[int, int]] = []  # (recorded before + in this call, at the sink)
    recorded = 0
    real_record = server_batch.record_outcomes

    async def counting(outcomes: list[Any], deps: Any) -> None:
        nonlocal recorded
        at_the_server.append((recorded + len(outcomes), len(sink.messages)))
        await real_record(outcomes, deps)
        recorded += len(outcomes)

    monkeypatch.setattr(server_batch, "record_outcomes", counting)
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    assert len(await sink.wait_for_messages(4)) == 4
    assert at_the_server == [(1, 1), (2, 2), (3, 3), (4, 4)]
    for email_id in email_ids:
        assert (await email_row(infra, email_id)).status == "sent"
