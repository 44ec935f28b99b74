"""What a schedule may say, checked when it is saved (recurrence, report parameters,
recipients), and when it fires.

Every error names the path of the bad field in the body (`preset.time`, `params.period`,
`recipients.bcc.0`) so the UI can point at it. The recipient rules are those of a manual send
(`report_sends.py`): a ledger statement may go to anyone and its To may be left to the party
directory; the outstanding report goes to internal addresses only. The directory and the
distribution list are stored by reference and resolved again at every run by the scheduler,
so what is checked here is the state at saving time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select

from shared import recurrence
from shared.addresses import contains_header_unsafe, is_internal_address
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.db.models import DistributionList, Tenant
from shared.party_directory import entry_for_ledger
from shared.periods import PeriodError, resolve_period
from shared.recipients import RecipientError, Recipients, normalize_recipients
from shared.recurrence import RecurrenceError
from shared.reports import resolve_ledger_name
from shared.settings import Settings

from .problems import ProblemError, field_error
from .schedule_schemas import PreviewPublic, RecipientsIn, Recurrence, ScheduleWrite
from .tenancy import tenant_timezone

M = TypeVar("M", bound=BaseModel)
NO_INTERNAL_DOMAINS = (
    "the outstanding report goes to internal addresses only, and this tenant has no internal "
    "email domains yet: an admin sets them in the email settings"
)


class _LedgerParams(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ledger: str = Field(min_length=1, max_length=200)
    period: str = Field(max_length=32)
    n: int | None = Field(default=None, strict=True)


class _OutstandingParams(BaseModel):
    # No `as_of`: each run reports as of its own local date.
    model_config = ConfigDict(extra="forbid")

    kind: Literal["receivable", "payable"]


@dataclass(frozen=True)
class CheckedSchedule:
    """A write body, validated and normalised: the columns to store."""

    cron: str
    timezone: str
    params: dict[str, Any]
    recipients: dict[str, Any]
    subject: str | None


async def check_schedule(
    uow: UnitOfWork, settings: Settings, principal: Principal, body: ScheduleWrite
) -> CheckedSchedule:
    """The body checked and normalised; 422 naming the bad field (every bad address at once)."""
    cron, zone = await checked_recurrence(uow, principal.tenant_id, body)
    params = await _checked_params(uow, settings, principal.tenant_id, body, zone)
    recipients = await _checked_recipients(
        uow, settings, principal.tenant_id, body.report, body.recipients, params.get("ledger")
    )
    # The name may be shown in a run's email; neither it nor the subject may break a header.
    for field, text in (("name", body.name), ("subject", body.subject or "")):
        if contains_header_unsafe(text):
            raise field_error(field, "line breaks and control characters are not allowed")
    return CheckedSchedule(cron, zone, params, recipients, body.subject or None)


async def checked_recurrence(uow: UnitOfWork, tenant_id: str, body: Recurrence) -> tuple[str, str]:
    """The cron expression (a preset turned into one) and the IANA timezone, both checked."""
    if (body.cron is None) == (body.preset is None):
        raise field_error("cron", "give either cron (five fields) or preset, not both")
    try:
        zone = recurrence.validate_timezone(body.timezone or await tenant_timezone(uow, tenant_id))
        if body.preset is not None:
            cron = recurrence.cron_from_preset(body.preset.as_dict())
        else:
            cron = recurrence.validate_cron(body.cron or "")
    except RecurrenceError as exc:
        raise field_error(exc.field, exc.message) from None
    return cron, zone


def next_run_from_now(cron: str, zone: str) -> datetime:
    return recurrence.next_run(cron, zone, datetime.now(UTC))


def preview_from_now(cron: str, zone: str, count: int) -> PreviewPublic:
    return PreviewPublic.of(cron, zone, recurrence.preview(cron, zone, datetime.now(UTC), count))


async def _checked_params(
    uow: UnitOfWork, settings: Settings, tenant_id: str, body: ScheduleWrite, zone: str
) -> dict[str, Any]:
    if body.report == "outstanding":
        outstanding = _parsed(_OutstandingParams, body.params)
        return {"kind": outstanding.kind}
    ledger = _parsed(_LedgerParams, body.params)
    today = datetime.now(ZoneInfo(zone)).date()
    try:
        start, end = resolve_period(ledger.period, today, ledger.n)
    except PeriodError as exc:
        raise field_error(f"params.{exc.field}", exc.message) from None
    if (end - start).days > settings.export_max_period_days:
        # Refused now rather than failing at every run.
        raise field_error(
            "params.n" if ledger.n is not None else "params.period",
            f"the period is longer than the {settings.export_max_period_days}-day export limit",
        )
    canonical = await resolve_ledger_name(uow.session, tenant_id, ledger.ledger)
    if canonical is None:
        raise field_error("params.ledger", f"no ledger named {ledger.ledger!r}")
    params: dict[str, Any] = {"ledger": canonical, "period": ledger.period}
    if ledger.n is not None:
        params["n"] = ledger.n
    return params


def _parsed(model: type[M], raw: dict[str, Any]) -> M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(["params", *(str(p) for p in e["loc"])]), "message": e["msg"]}
            for e in exc.errors()
        ]
        raise _problem(errors) from None


async def _checked_recipients(
    uow: UnitOfWork,
    settings: Settings,
    tenant_id: str,
    report: str,
    body: RecipientsIn,
    ledger: str | None,
) -> dict[str, Any]:
    """The typed addresses, normalised, and the list's id, as stored in `recipients`."""
    errors: list[tuple[str, str]] = []
    typed: Recipients | None = None
    try:
        typed = normalize_recipients(
            body.to, body.cc, body.bcc, max_total=settings.send_max_recipients
        )
    except RecipientError as exc:
        errors.extend(exc.errors)
    if report == "ledger":
        if body.distribution_list_id is not None:
            errors.append(("distribution_list_id", "distribution lists are for internal reports"))
        _raise_recipient_errors(errors)
        assert typed is not None and ledger is not None
        extra = None if typed.to else await _directory_recipients(uow, tenant_id, ledger)
    else:
        listed = await _listed(uow, tenant_id, body.distribution_list_id)
        extra = await _internal_only(uow, tenant_id, body, listed, errors)
        assert typed is not None
    # The run sends to the typed addresses plus the directory's or the list's: same limit.
    _combined(typed, extra, settings)
    return {
        "to": typed.to,
        "cc": typed.cc,
        "bcc": typed.bcc,
        "distribution_list_id": str(body.distribution_list_id)
        if body.distribution_list_id
        else None,
    }


async def _directory_recipients(uow: UnitOfWork, tenant_id: str, ledger: str) -> Recipients:
    """The directory's entry for the ledger, else for its party; 422 when neither has a To."""
    entry = await entry_for_ledger(uow.session, tenant_id, ledger)
    if entry is None or not entry.to_addresses:
        raise field_error(
            "recipients.to",
            f"no recipient: the party directory has no entry for {ledger!r}; type an address",
        )
    return Recipients(list(entry.to_addresses), list(entry.cc_addresses), list(entry.bcc_addresses))


async def _listed(
    uow: UnitOfWork, tenant_id: str, list_id: uuid.UUID | None
) -> DistributionList | None:
    if list_id is None:
        return None
    found = await uow.session.scalar(
        select(DistributionList).where(
            DistributionList.id == list_id, DistributionList.tenant_id == tenant_id
        )
    )
    if found is None:
        raise field_error("recipients.distribution_list_id", "no such distribution list")
    return found


async def _internal_only(
    uow: UnitOfWork,
    tenant_id: str,
    body: RecipientsIn,
    listed: DistributionList | None,
    errors: list[tuple[str, str]],
) -> Recipients:
    """The list's addresses, once every address (typed or listed) is known to be internal."""
    domains = list(
        await uow.session.scalar(select(Tenant.internal_domains).where(Tenant.id == tenant_id))
        or []
    )
    if not domains:
        raise field_error("recipients.to", NO_INTERNAL_DOMAINS)
    named = {field for field, _ in errors}
    for name, addresses in (("to", body.to), ("cc", body.cc), ("bcc", body.bcc)):
        for index, address in enumerate(addresses):
            field = f"{name}.{index}"
            if field not in named and not is_internal_address(address, domains):
                errors.append((field, f"{address!r} is not an internal address"))
    from_list = Recipients([], [], [])
    if listed is not None:
        from_list = Recipients(
            list(listed.to_addresses), list(listed.cc_addresses), list(listed.bcc_addresses)
        )
        # The list was internal when saved; an admin may have removed a domain since.
        errors.extend(
            ("distribution_list_id", f"{address!r} (from the list) is not an internal address")
            for address in from_list.all
            if not is_internal_address(address, domains)
        )
    _raise_recipient_errors(errors)
    if not body.to and not from_list.to:
        raise field_error(
            "recipients.to", "no recipient: type an internal address or pick a distribution list"
        )
    return from_list


def _combined(typed: Recipients, extra: Recipients | None, settings: Settings) -> None:
    if extra is None:
        return
    try:
        normalize_recipients(
            [*typed.to, *extra.to],
            [*typed.cc, *extra.cc],
            [*typed.bcc, *extra.bcc],
            max_total=settings.send_max_recipients,
        )
    except RecipientError as exc:
        _raise_recipient_errors(exc.errors)


def _raise_recipient_errors(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise _problem([{"field": f"recipients.{f}", "message": m} for f, m in errors])


def _problem(errors: list[dict[str, str]]) -> ProblemError:
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return ProblemError(422, detail, errors=errors)
