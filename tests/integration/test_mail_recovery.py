"""The mail-service recovering: duplicate requests, a dead worker, a failed export or file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from mail_service.handlers import reconcile
from sqlalchemy import update

from shared.domain import email_claims
from shared.events import EmailRequested
from shared.infra.db.models import Email
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump

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


async def test_a_duplicated_request_sends_once(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id)
    async with infra.uow() as uow:
        uow.publish(EmailRequested(tenant_id=tenant_id, email_id=email_id))
        await uow.commit()
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    assert len(sink.messages) == 1
    assert len(await audit_rows(infra, email_id)) == 1


async def test_a_mail_worker_killed_mid_send_is_taken_over_with_the_same_message_id(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    email_id = await queue_email(infra, tenant_id)
    # A worker claims the email and dies before answering: the live lease is respected ...
    async with infra.uow() as uow:
        assert await email_claims.claim_emails(uow, [email_id], timedelta(minutes=2))
        await uow.commit()
    consumer, deps = mail_worker(infra)
    await pump(consumer)
    assert sink.messages == []
    # ... until it runs out; then the reconciliation hands the email to a live worker.
    async with infra.uow() as uow:
        await uow.session.execute(
            update(Email)
            .where(Email.id == email_id)
            .values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await uow.commit()
    assert await reconcile(deps) == 1
    await pump(consumer)
    [received] = await sink.wait_for_messages(1)
    email = await email_row(infra, email_id)
    assert (email.status, email.attempts) == ("sent", 2)
    assert received.message["Message-ID"] == email.message_id


async def test_a_failed_export_fails_its_email_with_the_reason(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from shared.infra.db.models import ExportJob

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    job = await stored_export(infra, tenant_id, "csv", 10)
    async with infra.uow() as uow:
        await uow.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job)
            .values(status="failed", error="ledger: gone")
        )
        await uow.commit()
    email_id = await queue_email(infra, tenant_id, job_id=job)
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    assert (email.status, email.error) == (
        "failed",
        "the report could not be produced: ledger: gone",
    )
    assert sink.messages == []


async def test_a_vanished_report_file_fails_the_email_instead_of_looping(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    from shared.infra.storage import LocalStorage

    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    job = await stored_export(infra, tenant_id, "csv", 100)
    for path in LocalStorage(infra.settings.export_dir).root.rglob(f"{job}*"):
        path.unlink()  # the cleanup (or a disk problem) took the file
    email_id = await queue_email(infra, tenant_id, job_id=job)
    consumer, _ = mail_worker(infra)
    await pump(consumer)
    email = await email_row(infra, email_id)
    assert email.status == "failed"
    assert email.error is not None and email.error.startswith("the message could not be built")
    assert [a.status for a in await audit_rows(infra, email_id)] == ["failed"]
    assert sink.messages == []
