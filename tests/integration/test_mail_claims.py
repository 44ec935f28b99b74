"""Claims on emails: fenced outcomes after a take-over, hand-back on shutdown, a dead server."""

from __future__ import annotations

import asyncio
import socket
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import update

from shared.domain import email_claims, emails
from shared.events import Streams
from shared.infra.bus import OutboxRelay
from shared.infra.db.models import Email
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump, wait_until

from .mailing import (
    audit_rows,
    configure_smtp,
    email_row,
    mail_infra,
    mail_worker,
    queue_email,
)

if TYPE_CHECKING:
    from tests.smtp_kit import SmtpSink
    from tests.smtp_kit.fixtures import SinkFactory

LEASE = timedelta(minutes=2)


async def _claim(infra: Infrastructure, email_id: object) -> Email:
    async with infra.uow() as uow:
        [email] = await email_claims.claim_emails(uow, [email_id], LEASE)  # type: ignore[list-item]
        await uow.commit()
    return email


async def test_a_sender_taken_over_cannot_decide_the_newer_attempts_outcome(
    infra: Infrastructure, tenant_id: str
) -> None:
    email_id = await queue_email(infra, tenant_id, trigger="scheduled", max_attempts=5)
    stale = await _claim(infra, email_id)  # worker A, attempt 1 ...
    async with infra.uow() as uow:  # ... whose lease runs out while it is still sending
        await uow.session.execute(
            update(Email)
            .where(Email.id == email_id)
            .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.commit()
    current = await _claim(infra, email_id)  # worker B takes it over: attempt 2
    assert (stale.attempts, current.attempts) == (1, 2)

    async with infra.uow() as uow:  # A's late outcomes change nothing ...
        assert not await emails.schedule_retry(
            uow, stale, "timeout", timedelta(seconds=30), attempt=stale.attempts
        )
        assert not await emails.mark_failed(uow, stale, "timeout", attempt=stale.attempts)
        assert await email_claims.mark_all_sent(uow, [(stale, "cid-a")]) == set()
        assert await email_claims.renew_leases(uow, [email_claims.claim_of(stale)], LEASE) == set()
        await uow.commit()
    assert (await email_row(infra, email_id)).status == "sending"

    async with infra.uow() as uow:  # ... and B's outcome is the one that counts
        assert await email_claims.mark_all_sent(uow, [(current, "cid-b")]) == {email_id}
        await uow.commit()
    email = await email_row(infra, email_id)
    assert (email.status, email.attempts) == ("sent", 2)


async def test_a_stopping_worker_hands_back_the_emails_it_has_not_tried(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_ids = [await queue_email(infra, tenant_id) for _ in range(3)]
    consumer, deps = mail_worker(infra)
    deps.stopping.set()  # told to stop just as the batch was claimed
    relay = OutboxRelay(infra.engine, infra.redis, infra.settings)
    await relay.publish_pending()
    await consumer.drain()  # one round only: a stopping worker reads no more

    assert sink.messages == []
    for email_id in email_ids:
        email = await email_row(infra, email_id)
        assert (email.status, email.attempts, email.lease_expires_at) == ("queued", 0, None)
        assert await audit_rows(infra, email_id) == []  # never attempted, never audited
    assert await relay.publish_pending() == len(email_ids)  # announced again for the next worker
    requested = await infra.redis.xlen(infra.settings.stream(Streams.EMAIL_REQUESTED))
    assert requested == 2 * len(email_ids)

    next_consumer, _ = mail_worker(infra)  # the next worker sends them, once each
    await pump(next_consumer)
    assert len(await sink.wait_for_messages(3)) == 3
    for email_id in email_ids:
        email = await email_row(infra, email_id)
        assert (email.status, email.attempts) == ("sent", 1)
        assert [a.status for a in await audit_rows(infra, email_id)] == ["sent"]


@pytest.mark.parametrize(
    ("trigger", "max_attempts", "tried_status"),
    [
        ("manual", 1, "failed"),
        ("scheduled", 5, "queued"),  # its own attempt failed: a retry with backoff
    ],
)
async def test_emails_not_offered_to_a_dead_server_wait_without_using_an_attempt(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    trigger: str,
    max_attempts: int,
    tried_status: str,
) -> None:
    from mail_service.handlers import reconcile

    sink = await smtp_sinks("plain")
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    # Short enough to follow the manual sends to their end; the scheduled ones stay parked
    # (the sweep is database-wide: they must not fall due under another test).
    delay = 0.2 if trigger == "manual" else 3600.0
    infra = mail_infra(
        infra,
        sink,
        mail_connections_per_server=1,
        mail_not_tried_delay_seconds=delay,
        mail_retry_base_seconds=3600.0,
    )
    await configure_smtp(infra, tenant_id, sink, port=closed_port)
    email_ids = [
        await queue_email(infra, tenant_id, trigger=trigger, max_attempts=max_attempts)
        for _ in range(3)
    ]
    consumer, deps = mail_worker(infra)
    handed_back_at = datetime.now(UTC)
    await pump(consumer)

    emails_now = {email_id: await email_row(infra, email_id) for email_id in email_ids}
    [tried] = [e for e in emails_now.values() if e.attempts == 1]
    assert tried.status == tried_status
    assert (tried.error or "").endswith("refused the connection")
    [audit] = await audit_rows(infra, tried.id)
    assert (audit.status, audit.error_class) == (
        "failed" if trigger == "manual" else "retrying",
        "connection_refused",
    )
    untried = [e for e in emails_now.values() if e.id != tried.id]
    for email in untried:  # never offered: not failed, not an attempt, no audit row
        assert (email.status, email.attempts, email.error) == ("queued", 0, None)
        assert email.next_attempt_at is not None
        assert email.next_attempt_at >= handed_back_at + timedelta(seconds=delay)
        assert await audit_rows(infra, email.id) == []

    if trigger == "scheduled":
        return

    # Once due, the sweep announces them, and each manual send fails on its own attempt only.
    async def every_email_failed() -> bool:
        await reconcile(deps)
        await pump(consumer)
        rows = [await email_row(infra, email_id) for email_id in email_ids]
        return all(row.status == "failed" for row in rows)

    await wait_until(every_email_failed, what="each email's own attempt")
    for email_id in email_ids:
        email = await email_row(infra, email_id)
        assert email.attempts == 1
        assert (email.error or "").endswith("refused the connection")
        [audit] = await audit_rows(infra, email_id)
        assert (audit.attempt, audit.status, audit.error_class) == (
            1,
            "failed",
            "connection_refused",
        )


async def test_leases_are_renewed_while_a_slow_server_holds_the_batch(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from mail_service.handlers import reconcile

    sink = await smtp_sinks("plain")
    sink.data_gate = asyncio.Event()  # the server sits on the first message until released
    infra = mail_infra(infra, sink, mail_lease_seconds=5, mail_connections_per_server=1)
    await configure_smtp(infra, tenant_id, sink, timeout_seconds=30)  # slow, not dead
    email_ids = [await queue_email(infra, tenant_id) for _ in range(3)]
    consumer, deps = mail_worker(infra)
    sending = asyncio.create_task(pump(consumer))
    await wait_until(lambda: _all_sending(infra, email_ids), what="the batch claimed")
    first_lease = min([(await email_row(infra, i)).lease_expires_at for i in email_ids])
    assert first_lease is not None

    async def renewed_past_the_first_lease() -> bool:  # the first lease has run out by now
        leases = [(await email_row(infra, i)).lease_expires_at for i in email_ids]
        later = [lease for lease in leases if lease is not None and lease > first_lease]
        return datetime.now(UTC) > first_lease and len(later) == len(email_ids)

    await wait_until(renewed_past_the_first_lease, timeout=15, what="leases renewed")
    # The sweep is database-wide (rows other tests left may be swept too): it must announce
    # none of this batch, whose leases are live.
    announced = [(await email_row(infra, i)).announced_at for i in email_ids]
    await reconcile(deps)
    assert [(await email_row(infra, i)).announced_at for i in email_ids] == announced
    other_consumer, _ = mail_worker(infra)
    await pump(other_consumer)  # ... and another worker finds nothing to claim

    sink.data_gate.set()
    await sending
    assert len(await sink.wait_for_messages(3)) == 3
    for email_id in email_ids:
        email = await email_row(infra, email_id)
        assert (email.status, email.attempts) == ("sent", 1)


async def _all_sending(infra: Infrastructure, email_ids: list[uuid.UUID]) -> bool:
    return all([(await email_row(infra, i)).status == "sending" for i in email_ids])


async def test_an_email_taken_over_while_it_waited_is_not_offered_to_the_server(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    sink.data_gate = asyncio.Event()  # the first message holds the only connection
    infra = mail_infra(infra, sink, mail_lease_seconds=5, mail_connections_per_server=1)
    await configure_smtp(infra, tenant_id, sink, timeout_seconds=30)
    first, second = [await queue_email(infra, tenant_id) for _ in range(2)]
    consumer, _ = mail_worker(infra)
    sending = asyncio.create_task(pump(consumer))
    await wait_until(lambda: _all_sending(infra, [first, second]), what="the batch claimed")
    await wait_until(lambda: _data_started(sink), what="the first message offered")
    # Another worker takes the waiting email over (as if this worker's lease had run out).
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Email)
            .where(Email.id == second)
            .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.commit()
    taken = await _claim(infra, second)
    held_until = (await email_row(infra, first)).lease_expires_at
    assert held_until is not None

    async def renewed_since() -> bool:  # the batch has since learned who holds what
        lease = (await email_row(infra, first)).lease_expires_at
        return lease is not None and lease > held_until

    await wait_until(renewed_since, timeout=10, what="a lease renewal")
    sink.data_gate.set()
    await sending

    [received] = await sink.wait_for_messages(1)
    assert received.message["Message-ID"] == (await email_row(infra, first)).message_id
    email = await email_row(infra, second)  # left to the worker that took it over
    assert (email.status, email.attempts) == ("sending", taken.attempts)
    assert await audit_rows(infra, second) == []  # this worker never offered it: no attempt
    async with infra.uow() as uow:  # the worker that took it over finishes it
        assert await email_claims.mark_all_sent(uow, [(taken, "cid-b")]) == {second}
        await uow.commit()


async def _data_started(sink: SmtpSink) -> bool:
    return sink.commands["DATA"] >= 1


async def test_a_recording_retried_after_its_commit_went_through_keeps_the_audit_right(
    infra: Infrastructure,
    tenant_id: str,
    pump: Pump,
    smtp_sinks: SinkFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from mail_service import outcomes

    sink = await smtp_sinks("plain", data_replies=[451])  # the first message: try later
    # (much later: the reconciler sweeps the whole database, other tests count on it)
    infra = mail_infra(infra, sink, mail_connections_per_server=1, mail_retry_base_seconds=3600)
    await configure_smtp(infra, tenant_id, sink)
    later = await queue_email(infra, tenant_id, trigger="scheduled", max_attempts=5)
    sent = await queue_email(infra, tenant_id)
    real_record = outcomes._record
    calls = 0

    async def committed_then_lost(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        result = await real_record(*args)
        if calls == 1:  # the COMMIT went through; the answer was lost on the way back
            raise OSError("connection reset by peer")
        return result

    monkeypatch.setattr(outcomes, "_record", committed_then_lost)
    consumer, _ = mail_worker(infra)
    await pump(consumer)

    assert calls == 3  # the first outcome twice (committed, then tried again), then the second
    assert "taken over" not in caplog.text
    assert (await email_row(infra, later)).status == "queued"
    assert [a.status for a in await audit_rows(infra, later)] == ["retrying"]
    assert (await email_row(infra, sent)).status == "sent"
    assert [a.status for a in await audit_rows(infra, sent)] == ["sent"]
    finished = await infra.redis.xlen(infra.settings.stream(Streams.EMAIL_FINISHED))
    assert finished == 1  # announced once, by the try that committed
