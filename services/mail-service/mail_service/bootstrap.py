"""Composition root: builds the mail-service worker from settings (tests pass their own)."""

from __future__ import annotations

from shared.runtime import Infrastructure, Worker

from .handlers import MailDeps, subscriptions


def build_worker(infra: Infrastructure) -> tuple[Worker, MailDeps]:
    deps = MailDeps(infra=infra)
    worker = Worker(
        service="mail-service",
        infra=infra,
        subscriptions=subscriptions(deps),
        health_port=infra.settings.mail_health_port,
    )
    return worker, deps
