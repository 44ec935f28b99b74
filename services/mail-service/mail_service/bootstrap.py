"""Composition root: builds the mail-service worker from settings (tests pass their own)."""

from __future__ import annotations

from shared.crypto import SecretBox
from shared.runtime import Infrastructure, Worker
from shared.storage import LocalStorage

from .handlers import reconcile, subscriptions
from .sending import MailDeps
from .smtp import SmtpPool


def build_deps(infra: Infrastructure) -> MailDeps:
    settings = infra.settings
    return MailDeps(
        infra=infra,
        storage=LocalStorage(settings.export_dir),
        pool=SmtpPool(settings.mail_smtp_ca_file, settings.mail_connection_idle_seconds),
        box=SecretBox(settings.encryption_key_list),
    )


def build_worker(infra: Infrastructure) -> tuple[Worker, MailDeps]:
    deps = build_deps(infra)

    async def reconcile_job() -> int:
        return await reconcile(deps)

    worker = Worker(
        service="mail-service",
        infra=infra,
        subscriptions=subscriptions(deps),
        health_port=infra.settings.mail_health_port,
        periodic=[(infra.settings.reconcile_interval_seconds, reconcile_job)],
    )
    return worker, deps
