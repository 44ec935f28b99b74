"""What the mail-service's handlers work with, built once by `bootstrap.build_deps`."""

from __future__ import annotations

from dataclasses import dataclass

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

    def uow(self) -> UnitOfWork:
        return self.infra.uow()
