"""Composition root: builds the mail-service worker from settings (tests pass their own)."""

from __future__ import annotations

from shared.domain.smtp_servers import ServerRules
from shared.infra.crypto import SecretBox
from shared.infra.runtime import Infrastructure, Worker
from shared.infra.storage import LocalStorage
from shared.infra.tls import tls_context

from .bounce_scan import scan_mailboxes
from .compose import AttachmentParts
from .deps import MailDeps
from .handlers import reconcile, subscriptions
from .smtp import SmtpPool


def build_deps(infra: Infrastructure) -> MailDeps:
    settings = infra.settings
    rules = ServerRules.from_settings(settings)
    return MailDeps(
        infra=infra,
        storage=LocalStorage(settings.export_dir),
        pool=SmtpPool(
            settings.mail_smtp_ca_file,
            settings.mail_connection_idle_seconds,
            settings.mail_connections_per_server,
            rules=rules,
        ),
        box=SecretBox(settings.encryption_key_list),
        parts=AttachmentParts(settings.mail_attachment_cache_mb * 1024 * 1024),
        rules=rules,
        tls=tls_context(settings.mail_smtp_ca_file),
    )


def build_worker(infra: Infrastructure) -> tuple[Worker, MailDeps]:
    deps = build_deps(infra)

    async def reconcile_job() -> int:
        return await reconcile(deps)

    async def bounce_scan_job() -> int:
        return await scan_mailboxes(deps)

    worker = Worker(
        service="mail-service",
        infra=infra,
        subscriptions=subscriptions(deps),
        health_port=infra.settings.mail_health_port,
        periodic=[
            (infra.settings.reconcile_interval_seconds, reconcile_job),
            # Polls often (one indexed query when nothing is due); each mailbox is read
            # once per MAILBOX_SCAN_INTERVAL_SECONDS.
            (min(infra.settings.mailbox_scan_interval_seconds, 30.0), bounce_scan_job),
        ],
        concurrency=infra.settings.mail_concurrent_batches,
        stopping=deps.stopping,
        on_stop=[deps.pool.close],
    )
    return worker, deps
