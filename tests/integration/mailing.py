"""Helpers for mail tests: SMTP settings for a sink, a stored export, a mail worker, an email."""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from mail_service.bootstrap import build_worker
from mail_service.deps import MailDeps

from shared.domain import emails
from shared.infra.bus import StreamConsumer
from shared.infra.crypto import SecretBox
from shared.infra.db.models import Email, EmailAudit, EmailSettings, ExportJob
from shared.infra.runtime import Infrastructure
from shared.infra.storage import LocalStorage
from tests.smtp_kit import SmtpSink

SMTP_USER = "mailer"
SMTP_PASSWORD = "pa55-Very-Secret-7788"
SECURITY = {"plain": "none", "starttls": "starttls", "ssl": "ssl"}


def mail_infra(
    infra: Infrastructure, sink: SmtpSink | None = None, **updates: Any
) -> Infrastructure:
    """The same connections, with settings that trust the sink's certificate."""
    if sink is not None and sink.cafile is not None:
        updates.setdefault("mail_smtp_ca_file", sink.cafile)
    return dataclasses.replace(infra, settings=infra.settings.model_copy(update=updates))


def mail_worker(infra: Infrastructure) -> tuple[StreamConsumer, MailDeps]:
    worker, deps = build_worker(infra)
    return worker.consumer(), deps


async def configure_smtp(
    infra: Infrastructure, tenant_id: str, sink: SmtpSink, **values: Any
) -> None:
    box = SecretBox(infra.settings.encryption_key_list)
    row: dict[str, Any] = {
        "host": sink.host,
        "port": sink.port,
        "security": SECURITY[sink.security],
        "username": SMTP_USER if sink.auth else None,
        "password_encrypted": box.encrypt(SMTP_PASSWORD) if sink.auth else None,
        "from_email": "reports@example.in",
        "from_name": "Sharma & Sons Accounts",
        "reply_to": "accounts@example.in",
        "timeout_seconds": 5,
        "max_attachment_mb": 10,
        "delivery": {"csv": "attach", "xlsx": "link", "pdf": "link"},
        "link_ttl_days": 7,
    }
    row.update(values)
    async with infra.uow() as uow:
        uow.session.add(EmailSettings(tenant_id=tenant_id, **row))
        await uow.commit()


async def stored_export(infra: Infrastructure, tenant_id: str, fmt: str, size: int) -> uuid.UUID:
    """A succeeded export job whose file is exactly `size` bytes."""
    job_id = uuid.uuid4()
    now = datetime.now(UTC)
    storage = LocalStorage(infra.settings.export_dir)
    key = storage.key_for(tenant_id, job_id, fmt, now)
    content = (b"date,amount\n" + b"x" * size)[:size]
    path = storage.resolve(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    async with infra.uow() as uow:
        uow.session.add(
            ExportJob(
                id=job_id,
                tenant_id=tenant_id,
                requested_by="u1",
                report="ledger",
                format=fmt,
                params={},
                status="succeeded",
                file_path=key,
                file_name=f"Ledger_Test.{fmt}",
                file_size=size,
                sha256=hashlib.sha256(content).hexdigest(),
                row_count=1,
                created_at=now,
                finished_at=now,
                expires_at=now + timedelta(days=7),
            )
        )
        await uow.commit()
    return job_id


async def queue_email(
    infra: Infrastructure,
    tenant_id: str,
    *,
    job_id: uuid.UUID | None = None,
    to: list[str] | None = None,
    cc: list[str] | None = None,
    bcc: list[str] | None = None,
    trigger: str = "manual",
    max_attempts: int = 1,
    subject: str = "Ledger statement: Sharma Traders",
) -> uuid.UUID:
    async with infra.uow() as uow:
        email = emails.create_email(
            uow,
            emails.NewEmail(
                tenant_id=tenant_id,
                requested_by="u1",
                trigger=trigger,
                subject=subject,
                body="Dear Sir,\nPlease find the statement.\nRegards",
                to=to or ["party@example.in"],
                cc=cc or [],
                bcc=bcc or [],
                report="ledger" if job_id else None,
                export_job_id=job_id,
                max_attempts=max_attempts,
            ),
            message_domain="example.in",
        )
        await uow.commit()
    return email.id


async def email_row(infra: Infrastructure, email_id: uuid.UUID) -> Email:
    from sqlalchemy import select

    async with infra.sessions() as session:
        email = await session.scalar(select(Email).where(Email.id == email_id))
    assert email is not None
    return email


async def audit_rows(infra: Infrastructure, email_id: uuid.UUID) -> list[EmailAudit]:
    from sqlalchemy import select

    async with infra.sessions() as session:
        rows = await session.scalars(
            select(EmailAudit)
            .where(EmailAudit.email_id == email_id)
            .order_by(EmailAudit.created_at)
        )
        return list(rows)
