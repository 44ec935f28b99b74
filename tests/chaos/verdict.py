"""What the campaign left behind, read from the database, the SMTP server and the logs.

Figures only: the tests in `test_fault_campaign.py` decide what they must be.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.infra.db.models import Email, EmailAudit, ExportJob, ScheduleRun
from shared.infra.runtime import Infrastructure
from shared.states import FINAL_EMAIL_STATES, ExportStatus, RunStatus
from tests.smtp_kit import SmtpSink

FINAL_RUN_STATES = {RunStatus.SUCCEEDED, RunStatus.SKIPPED, RunStatus.FAILED, RunStatus.MISSED}


@dataclass(frozen=True)
class EmailFate:
    id: uuid.UUID
    trigger: str
    status: str
    attempts: int
    error: str | None
    received: int  # copies the SMTP server accepted, by Message-ID
    audits: list[tuple[int, str, str | None, str | None]]  # (attempt, status, class, error)


@dataclass
class Verdict:
    emails: list[EmailFate] = field(default_factory=list)
    jobs: Counter[str] = field(default_factory=Counter)
    unfinished_jobs: list[str] = field(default_factory=list)
    runs: list[tuple[uuid.UUID, str, str | None, str | None]] = field(default_factory=list)
    strangers: int = 0  # messages at the server that match no email of the campaign

    @property
    def failed_yet_received(self) -> int:
        """Accepted by the server, but its 250 never reached us (the connection cut, or the
        worker killed) and the attempt that followed failed: received, recorded failed."""
        return sum(1 for fate in self.emails if fate.status == "failed" and fate.received)

    @property
    def duplicates(self) -> int:
        return sum(fate.received - 1 for fate in self.emails if fate.received > 1)

    def unfinished(self) -> list[EmailFate]:
        return [fate for fate in self.emails if fate.status not in FINAL_EMAIL_STATES]

    def unfinished_runs(self) -> list[uuid.UUID]:
        return [run_id for run_id, status, _, _ in self.runs if status not in FINAL_RUN_STATES]


async def read_verdict(infra: Infrastructure, tenant_id: str, sink: SmtpSink) -> Verdict:
    parser = BytesHeaderParser()
    received = Counter(
        (parser.parsebytes(message.data)["Message-ID"] or "").strip() for message in sink.messages
    )
    verdict = Verdict()
    async with infra.sessions() as session:
        emails = (await session.scalars(select(Email).where(Email.tenant_id == tenant_id))).all()
        audits = (
            await session.execute(
                select(
                    EmailAudit.email_id,
                    EmailAudit.attempt,
                    EmailAudit.status,
                    EmailAudit.error_class,
                    EmailAudit.error,
                )
                .where(EmailAudit.tenant_id == tenant_id)
                .order_by(EmailAudit.attempt, EmailAudit.created_at)
            )
        ).all()
        jobs = (
            await session.execute(
                select(ExportJob.id, ExportJob.status).where(ExportJob.tenant_id == tenant_id)
            )
        ).all()
        verdict.runs = await read_runs(session, tenant_id)
    by_email: dict[uuid.UUID, list[tuple[int, str, str | None, str | None]]] = {}
    for email_id, attempt, status, error_class, error in audits:
        by_email.setdefault(email_id, []).append((attempt, status, error_class, error))
    known = set()
    for email in emails:
        known.add(email.message_id)
        verdict.emails.append(
            EmailFate(
                email.id,
                email.trigger,
                email.status,
                email.attempts,
                email.error,
                received[email.message_id],
                by_email.get(email.id, []),
            )
        )
    verdict.strangers = sum(
        count for message_id, count in received.items() if message_id not in known
    )
    for job_id, status in jobs:
        verdict.jobs[status] += 1
        if status not in (ExportStatus.SUCCEEDED,):
            verdict.unfinished_jobs.append(f"{job_id}: {status}")
    return verdict


async def read_runs(
    session: AsyncSession, tenant_id: str
) -> list[tuple[uuid.UUID, str, str | None, str | None]]:
    """Each run with its state, its export job's and its email's."""
    rows = await session.execute(
        select(ScheduleRun.id, ScheduleRun.status, ExportJob.status, Email.status)
        .outerjoin(ExportJob, ExportJob.id == ScheduleRun.export_job_id)
        .outerjoin(Email, Email.id == ScheduleRun.email_id)
        .where(ScheduleRun.tenant_id == tenant_id)
    )
    return [(run_id, status, job, email) for run_id, status, job, email in rows]
