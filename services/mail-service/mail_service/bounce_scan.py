"""Bounce tracking: read each tenant's mailbox for delivery status notifications, periodically.

A round claims up to `MAILBOX_SCAN_TENANTS_PER_ROUND` mailboxes that are due (moving their
`next_scan_at` on by `MAILBOX_SCAN_INTERVAL_SECONDS` in the same statement, under `SKIP
LOCKED`, so two mail workers never read one mailbox in the same round), then reads each:
EXAMINE the folder (read-only), list UIDs above the remembered one (a new UIDVALIDITY means
the folder was recreated: start again from its first message), fetch the headers of at most
`MAILBOX_SCAN_MAX_MESSAGES` (their first `MAILBOX_SCAN_MAX_MESSAGE_BYTES`), and as much of
those that look like bounces, with BODY.PEEK (nothing is marked read, flagged, moved or
deleted). The bounces found and the new position commit together; a scan that fails records
why (`last_scan_error`) and leaves the position where it was.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from email import message_from_bytes, policy

from sqlalchemy import func, select, update

from shared.domain.bounces.matching import Found, record_bounce
from shared.domain.bounces.notifications import BounceReport, looks_like_bounce, read_bounce
from shared.domain.smtp_servers import HostNotAllowedError
from shared.infra import imap, metrics
from shared.infra.db.models import MailboxSettings, Tenant

from .deps import MailDeps

log = logging.getLogger(__name__)

HEADERS_ITEM = "BODY.PEEK[HEADER.FIELDS (FROM SUBJECT CONTENT-TYPE X-FAILED-RECIPIENTS)]"


@dataclass(frozen=True)
class ScanResult:
    uidvalidity: int
    last_uid: int  # the highest UID looked at (or the remembered one when none was new)
    reports: list[tuple[int, BounceReport]]


async def scan_mailboxes(deps: MailDeps) -> int:
    """One round: scan every due mailbox (up to the round's limit); returns bounces recorded."""
    recorded = 0
    for mailbox in await claim_due_mailboxes(deps):
        recorded += await scan_mailbox(deps, mailbox)
    return recorded


async def claim_due_mailboxes(deps: MailDeps) -> list[MailboxSettings]:
    """The due mailboxes this worker reads now: their next scan moves on in the same
    statement, under SKIP LOCKED, so a concurrent worker claims others (or none)."""
    settings = deps.infra.settings
    interval = timedelta(seconds=settings.mailbox_scan_interval_seconds)
    due = (
        select(MailboxSettings.tenant_id)
        .where(
            MailboxSettings.enabled.is_(True),
            # A company the host application disabled is not logged into (as its schedules stop).
            MailboxSettings.tenant_id.in_(select(Tenant.id).where(Tenant.disabled_at.is_(None))),
            (MailboxSettings.next_scan_at.is_(None)) | (MailboxSettings.next_scan_at <= func.now()),
        )
        .order_by(MailboxSettings.next_scan_at.asc().nulls_first())
        .limit(settings.mailbox_scan_tenants_per_round)
        .with_for_update(skip_locked=True)
    )
    async with deps.uow() as uow:
        claimed = list(
            await uow.session.scalars(
                update(MailboxSettings)
                .where(MailboxSettings.tenant_id.in_(due.scalar_subquery()))
                .values(next_scan_at=func.now() + interval)
                .returning(MailboxSettings),
                execution_options={"populate_existing": True},
            )
        )
        await uow.commit()
    return claimed


async def scan_mailbox(deps: MailDeps, mailbox: MailboxSettings) -> int:
    """Read one mailbox from its remembered position; returns bounces recorded."""
    try:
        target = await mailbox_target(deps, mailbox)
        result = await asyncio.to_thread(_read_new_messages, deps, target, mailbox)
    except imap.MailboxError as exc:
        metrics.MAILBOX_SCANS.labels(exc.error_class).inc()
        await _record_failure(deps, mailbox, f"{exc.error_class}: {exc}")
        return 0
    except Exception as exc:  # a message that still breaks the reader: said, and the round goes on
        log.exception("mailbox scan broke", extra={"tenant_id": mailbox.tenant_id})
        metrics.MAILBOX_SCANS.labels("internal").inc()
        await _record_failure(deps, mailbox, f"internal: {type(exc).__name__}")
        return 0
    recorded = 0
    async with deps.uow() as uow:
        for uid, report in result.reports:
            recorded += await record_bounce(
                uow.session, mailbox.tenant_id, report, Found(result.uidvalidity, uid)
            )
        # Settings saved meanwhile (another mailbox, perhaps) keep their own position.
        await uow.session.execute(
            update(MailboxSettings)
            .where(
                MailboxSettings.tenant_id == mailbox.tenant_id,
                MailboxSettings.updated_at == mailbox.updated_at,
            )
            .values(
                uidvalidity=result.uidvalidity,
                last_uid=result.last_uid,
                last_scan_at=func.now(),
                last_scan_error=None,
            )
        )
        await uow.commit()
    metrics.MAILBOX_SCANS.labels("ok").inc()
    metrics.BOUNCES_RECORDED.inc(recorded)
    if recorded or result.reports:
        log.info(
            "mailbox scanned",
            extra={
                "tenant_id": mailbox.tenant_id,
                "bounces_read": len(result.reports),
                "bounces_recorded": recorded,
            },
        )
    return recorded


async def mailbox_target(deps: MailDeps, mailbox: MailboxSettings) -> imap.MailboxTarget:
    """Where to connect: the host checked by the same rules as SMTP hosts, right now."""
    refusal = deps.rules.unencrypted_login_refusal(mailbox.host, mailbox.security, mailbox.username)
    if refusal is not None:
        raise imap.MailboxError("config", refusal)
    try:
        addresses = await deps.rules.checked_addresses(mailbox.host, mailbox.port)
    except HostNotAllowedError as exc:
        raise imap.MailboxError("host_not_allowed", str(exc)) from None
    except OSError:
        raise imap.MailboxError("dns", f"the name {mailbox.host} does not resolve") from None
    password = deps.box.decrypt(mailbox.password_encrypted) if mailbox.password_encrypted else None
    return imap.MailboxTarget(
        host=mailbox.host,
        address=addresses[0],
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=password,
        folder=mailbox.folder,
        timeout=float(mailbox.timeout_seconds),
        deadline=deps.infra.settings.mailbox_scan_max_seconds,
    )


def _read_new_messages(
    deps: MailDeps, target: imap.MailboxTarget, mailbox: MailboxSettings
) -> ScanResult:
    """In a worker thread: the new messages' bounces, from the remembered position."""
    settings = deps.infra.settings
    with imap.examined_folder(target, deps.tls) as (conn, folder):
        after = mailbox.last_uid if folder.uidvalidity == mailbox.uidvalidity else 0
        uids = imap.uids_after(conn, after, settings.mailbox_scan_max_messages)
        # Bounded like the bodies: a hostile message's headers may run to megabytes.
        headers = imap.fetch(
            conn, uids, f"{HEADERS_ITEM}<0.{settings.mailbox_scan_max_message_bytes}>"
        )
        candidates = [
            uid
            for uid in uids
            if uid in headers
            and looks_like_bounce(message_from_bytes(headers[uid], policy=policy.compat32))
        ]
        bodies = imap.fetch(
            conn, candidates, f"BODY.PEEK[]<0.{settings.mailbox_scan_max_message_bytes}>"
        )
    reports = [
        (uid, report)
        for uid in candidates
        if uid in bodies and (report := read_bounce(bodies[uid])) is not None
    ]
    return ScanResult(folder.uidvalidity, max(uids, default=after), reports)


async def _record_failure(deps: MailDeps, mailbox: MailboxSettings, reason: str) -> None:
    log.warning("mailbox scan failed", extra={"tenant_id": mailbox.tenant_id, "reason": reason})
    async with deps.uow() as uow:
        await uow.session.execute(
            update(MailboxSettings)
            .where(
                MailboxSettings.tenant_id == mailbox.tenant_id,
                MailboxSettings.updated_at == mailbox.updated_at,
            )
            .values(last_scan_at=func.now(), last_scan_error=reason[:1000])
        )
        await uow.commit()
