"""What the mail-service's handlers work with, built once by `bootstrap.build_deps`."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from shared.domain.smtp_servers import ServerRules
from shared.infra.crypto import SecretBox
from shared.infra.db import UnitOfWork
from shared.infra.runtime import Infrastructure
from shared.infra.storage import LocalStorage

from .compose import AttachmentParts
from .group_commit import GroupCommit
from .smtp import SmtpPool

if TYPE_CHECKING:
    from .outcomes import Outcome


@dataclass(frozen=True)
class MailDeps:
    infra: Infrastructure
    storage: LocalStorage
    pool: SmtpPool
    box: SecretBox
    parts: AttachmentParts
    # Where tenants' mail servers may be (SMTP and the mailbox read for bounces), and the TLS
    # context that verifies them.
    rules: ServerRules
    tls: ssl.SSLContext
    # Set when the worker is told to stop: batches stop taking up new emails and hand them back.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # Every batch's outcomes, recorded together as they arrive (see `group_commit`).
    recordings: GroupCommit[Outcome] = field(default_factory=GroupCommit)

    def uow(self) -> UnitOfWork:
        return self.infra.uow()
