"""A statement run's emails wait for their exports and go out from `export.finished`: no
`email.requested` is announced for them, and each send keeps its claim, audit row and
`email.finished` (carrying its export's correlation id)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from export_service.bootstrap import build_worker as build_export_worker
from sqlalchemy import select

from shared.events import Streams
from shared.infra.db.models import Email, EmailAudit
from shared.infra.runtime import Infrastructure
from tests.conftest import Pump

from .gateway import gateway_client
from .mailing import configure_smtp, mail_infra, mail_worker
from .statement_runs_helpers import PERIOD, RUNS, admin, debtors_with_directory

if TYPE_CHECKING:
    from tests.smtp_kit.fixtures import SinkFactory

RUN = {"ledgers": ["Arora Stores", "श्री गणेश ट्रेडर्स"], **PERIOD, "format": "csv"}


async def _stream(infra: Infrastructure, stream: str) -> list[dict[str, str]]:
    entries = await infra.redis.xrange(infra.settings.stream(stream))
    return [json.loads(fields[b"data"]) for _, fields in entries]


async def test_a_runs_emails_go_out_when_their_exports_finish(
    infra: Infrastructure, tenant_id: str, pump: Pump, smtp_sinks: SinkFactory
) -> None:
    sink = await smtp_sinks("plain")
    infra = mail_infra(infra, sink)
    await configure_smtp(infra, tenant_id, sink)
    await debtors_with_directory(infra, tenant_id)
    async with gateway_client(infra) as client:
        started = await client.post(RUNS, json=RUN, headers=admin(infra, tenant_id))
    assert started.status_code == 202, started.text
    mail, _ = mail_worker(infra)

    await pump(mail)  # before the exports: nothing to send, nothing announced
    assert sink.messages == []
    assert await _stream(infra, Streams.EMAIL_REQUESTED) == []

    await pump(build_export_worker(infra)[0].consumer(), mail)
    assert len(await sink.wait_for_messages(2)) == 2
    assert await _stream(infra, Streams.EMAIL_REQUESTED) == []
    exported = {
        e["job_id"]: e["correlation_id"] for e in await _stream(infra, Streams.EXPORT_FINISHED)
    }
    finished = {e["email_id"]: e for e in await _stream(infra, Streams.EMAIL_FINISHED)}
    async with infra.sessions() as session:
        emails = list(await session.scalars(select(Email).where(Email.tenant_id == tenant_id)))
        ids = [email.id for email in emails]
        audits = (
            await session.execute(
                select(EmailAudit.email_id, EmailAudit.status).where(EmailAudit.email_id.in_(ids))
            )
        ).all()
    assert len(emails) == 2
    for email in emails:
        assert (email.status, email.attempts) == ("sent", 1)
        assert [tuple(a) for a in audits if a.email_id == email.id] == [(email.id, "sent")]
        event = finished[str(email.id)]
        assert event["status"] == "sent"
        assert event["correlation_id"] == exported[str(email.export_job_id)]
