"""Attachment or link: the tenant's rule per format and the attachment size limit decide.

`attach` sends the file attached when it is at most the limit and as a link otherwise; `link`
always sends a link. Defaults: CSV attached, XLSX and PDF linked. A link expires with the file
(or sooner, after the tenant's `link_ttl_days`), and the email says why it is a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from shared.domain.links import make_file_url
from shared.infra.db.models import ExportJob
from shared.infra.settings import Settings
from shared.infra.storage import LocalStorage

from .compose import Attachment, Link, LinkReason

DEFAULT_DELIVERY = {"csv": "attach", "xlsx": "link", "pdf": "link"}


@dataclass(frozen=True)
class DeliveryRule:
    max_attachment_bytes: int
    per_format: dict[str, str] = field(default_factory=dict)
    link_ttl_days: int = 7

    def mode_for(self, fmt: str) -> str:
        return self.per_format.get(fmt) or DEFAULT_DELIVERY.get(fmt, "link")


@dataclass(frozen=True)
class Delivery:
    mode: str  # attachment | link
    attachment: Attachment | None = None
    link: Link | None = None


def choose_delivery(
    job: ExportJob, rule: DeliveryRule, storage: LocalStorage, settings: Settings
) -> Delivery:
    assert job.file_path and job.file_name and job.file_size is not None
    fmt = job.format
    if rule.mode_for(fmt) == "attach" and job.file_size <= rule.max_attachment_bytes:
        return Delivery(
            "attachment", attachment=Attachment(storage.resolve(job.file_path), job.file_name, fmt)
        )
    if rule.mode_for(fmt) == "attach":
        reason = LinkReason(fmt, job.file_size, rule.max_attachment_bytes)
    else:
        reason = LinkReason(fmt)
    expires = datetime.now(UTC) + timedelta(days=rule.link_ttl_days)
    if job.expires_at is not None:
        expires = min(expires, job.expires_at)
    url = make_file_url(settings.public_base_url, settings.file_link_secret, job.id, expires)
    return Delivery("link", link=Link(url, job.file_name, expires, reason))
