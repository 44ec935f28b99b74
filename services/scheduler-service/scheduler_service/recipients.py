"""Who receives a scheduled report, resolved again at every run.

The rules are the manual send's: a ledger statement goes to the typed addresses or, when none
are saved, to the party directory's entry as it is today; the outstanding report goes to
internal addresses only (typed or from a distribution list), checked against the tenant's
internal domains as they are now.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from shared.addresses import is_internal_address
from shared.db import UnitOfWork
from shared.db.models import DistributionList, ReportSchedule, Tenant
from shared.party_directory import entry_for_ledger
from shared.recipients import RecipientError, Recipients, normalize_recipients


class RunRecipientsError(Exception):
    """Nobody (allowed) to send to; the message is the run's failure reason."""


async def run_recipients(
    uow: UnitOfWork, schedule: ReportSchedule, max_total: int
) -> tuple[Recipients, str]:
    saved: dict[str, Any] = schedule.recipients or {}
    to, cc, bcc = (
        list(saved.get("to") or []),
        list(saved.get("cc") or []),
        list(saved.get("bcc") or []),
    )
    source = "typed"
    if schedule.report == "ledger" and not to:
        to, cc, bcc = await _from_directory(uow, schedule, cc, bcc)
        source = "directory"
    if schedule.report == "outstanding":
        if list_id := saved.get("distribution_list_id"):
            listed = await uow.session.scalar(
                select(DistributionList).where(
                    DistributionList.id == uuid.UUID(str(list_id)),
                    DistributionList.tenant_id == schedule.tenant_id,
                )
            )
            if listed is None:
                raise RunRecipientsError("the schedule's distribution list no longer exists")
            source = "distribution_list" if not to else source
            to, cc, bcc = (
                [*to, *listed.to_addresses],
                [*cc, *listed.cc_addresses],
                [*bcc, *listed.bcc_addresses],
            )
        domains = await uow.session.scalar(
            select(Tenant.internal_domains).where(Tenant.id == schedule.tenant_id)
        )
        outsiders = [a for a in (*to, *cc, *bcc) if not is_internal_address(a, domains or [])]
        if outsiders:
            raise RunRecipientsError(
                "not sent: the outstanding report goes to internal addresses only, and these "
                "are not internal (any more): " + ", ".join(outsiders)
            )
    if not to:
        raise RunRecipientsError("no recipient: nothing typed and no party directory entry")
    try:
        return normalize_recipients(to, cc, bcc, max_total=max_total), source
    except RecipientError as exc:
        raise RunRecipientsError(f"the saved recipients are not valid any more: {exc}") from exc


async def _from_directory(
    uow: UnitOfWork, schedule: ReportSchedule, cc: list[str], bcc: list[str]
) -> tuple[list[str], list[str], list[str]]:
    ledger = str(schedule.params.get("ledger", ""))
    entry = await entry_for_ledger(uow.session, schedule.tenant_id, ledger)
    if entry is None:
        raise RunRecipientsError(f"no recipient: the party directory has no entry for {ledger!r}")
    return list(entry.to_addresses), [*cc, *entry.cc_addresses], [*bcc, *entry.bcc_addresses]
