"""Who receives a scheduled report, resolved again at every run.

The rules are the manual send's, taken from the report's recipient policy: a report that
takes its To from the party directory goes to the typed addresses or, when none are saved, to
the directory's entry as it is today; an internal-only report goes to internal addresses only
(typed or from a distribution list), checked against the tenant's internal domains as they
are now.
"""

from __future__ import annotations

import uuid
from typing import Any

from shared.domain import tenants
from shared.domain.party_directory import entry_for_ledger
from shared.domain.recipients import RecipientError, Recipients, normalize_recipients
from shared.domain.reports import report_named
from shared.infra.db import UnitOfWork
from shared.infra.db.models import ReportSchedule


class RunRecipientsError(Exception):
    """Nobody (allowed) to send to; the message is the run's failure reason."""


async def run_recipients(
    uow: UnitOfWork, schedule: ReportSchedule, max_total: int
) -> tuple[Recipients, str]:
    definition = report_named(schedule.report)
    policy = definition.recipients
    saved: dict[str, Any] = schedule.recipients or {}
    to, cc, bcc = (
        list(saved.get("to") or []),
        list(saved.get("cc") or []),
        list(saved.get("bcc") or []),
    )
    source = "typed"
    if policy.directory_param is not None and not to:
        ledger = str(schedule.params.get(policy.directory_param, ""))
        to, cc, bcc = await _from_directory(uow, schedule.tenant_id, ledger, cc, bcc)
        source = "directory"
    if policy.internal_only:
        if list_id := saved.get("distribution_list_id"):
            listed = await tenants.distribution_list(
                uow.session, schedule.tenant_id, uuid.UUID(str(list_id))
            )
            if listed is None:
                raise RunRecipientsError("the schedule's distribution list no longer exists")
            source = "distribution_list" if not to else source
            to, cc, bcc = (
                [*to, *listed.to_addresses],
                [*cc, *listed.cc_addresses],
                [*bcc, *listed.bcc_addresses],
            )
        domains = await tenants.internal_domains(uow.session, schedule.tenant_id)
        outsiders = policy.outsiders(Recipients(to, cc, bcc), domains)
        if outsiders:
            raise RunRecipientsError(definition.refusal([address for _, address in outsiders]))
    if not to:
        raise RunRecipientsError("no recipient: nothing typed and no party directory entry")
    try:
        return normalize_recipients(to, cc, bcc, max_total=max_total), source
    except RecipientError as exc:
        raise RunRecipientsError(f"the saved recipients are not valid any more: {exc}") from exc


async def _from_directory(
    uow: UnitOfWork, tenant_id: str, ledger: str, cc: list[str], bcc: list[str]
) -> tuple[list[str], list[str], list[str]]:
    entry = await entry_for_ledger(uow.session, tenant_id, ledger)
    if entry is None:
        raise RunRecipientsError(f"no recipient: the party directory has no entry for {ledger!r}")
    return list(entry.to_addresses), [*cc, *entry.cc_addresses], [*bcc, *entry.bcc_addresses]
