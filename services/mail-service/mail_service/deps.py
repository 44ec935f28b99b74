"""What the mail-service's handlers work with, built once by `bootstrap.build_deps`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from shared.crypto import SecretBox
from shared.db import UnitOfWork
from shared.runtime import Infrastructure
from shared.storage import LocalStorage

from .compose import AttachmentParts
from .smtp import SmtpPool


@dataclass(frozen=True)
class MailDeps:
    infra: Infrastructure
    storage: LocalStorage
    pool: SmtpPool
    box: SecretBox
    parts: AttachmentParts
    # Set when the worker is told to stop: batches stop taking up new emails and hand them back.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def uow(self) -> UnitOfWork:
        return self.infra.uow()
