"""What a schedule may say, checked when it is saved (recurrence, report parameters,
recipients), and when it fires.

Every error names the path of the bad field in the body (`preset.time`, `params.period`,
`recipients.bcc.0`) so the UI can point at it. The recipient rules are those of a manual send
(`reports/use_cases.py`): a ledger statement may go to anyone and its To may be left to the party
directory; the outstanding report goes to internal addresses only. The directory and the
distribution list are stored by reference and resolved again at every run by the scheduler,
so what is checked here is the state at saving time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from api_gateway.http.problems import ProblemError, field_error, refusal_problem
from api_gateway.http.tenancy import tenant_timezone
from api_gateway.schedules.limits import check_interval
from api_gateway.schedules.schemas import PreviewPublic, RecipientsIn, Recurrence, ScheduleWrite
from api_gateway.schedules.statement_run_rules import NO_RECIPIENTS, checked_statement_run
from shared.domain import recurrence, tenants
from shared.domain.addresses import contains_header_unsafe, not_internal_hint
from shared.domain.party_directory import entry_for_ledger
from shared.domain.recipients import RecipientError, Recipients, normalize_recipients
from shared.domain.recurrence import RecurrenceError
from shared.domain.reports import AnyReport, ParamsContext, ReportParamError, report_named
from shared.domain.statement_runs.options import STATEMENT_RUN_KIND
from shared.infra.db import UnitOfWork
from shared.infra.db.models import DistributionList
from shared.infra.settings import Settings
from shared.infra.tokens import Principal

M = TypeVar("M", bound=BaseModel)


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
    check_interval(cron, settings, "cron" if body.cron is not None else "preset")
    if body.kind == STATEMENT_RUN_KIND:
        params = await checked_statement_run(uow, settings, principal.tenant_id, body, zone)
        return CheckedSchedule(cron, zone, params, NO_RECIPIENTS, body.subject or None)
    definition = report_named(body.report)
    params = await _checked_params(uow, settings, principal.tenant_id, definition, body, zone)
    recipients = await _checked_recipients(
        uow, settings, principal.tenant_id, definition, body.recipients, params
    )
    # The name may be shown in a run's email; neither it nor the subject may break a header.
    for field, text in (("name", body.name), ("subject", body.subject or "")):
        if contains_header_unsafe(text):
            raise field_error(
                field, "line breaks and control characters are not allowed", code="text_invalid"
            )
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
        raise refusal_problem(exc) from None
    return cron, zone


def next_run_from_now(cron: str, zone: str) -> datetime:
    return recurrence.next_run(cron, zone, datetime.now(UTC))


def preview_from_now(cron: str, zone: str, count: int) -> PreviewPublic:
    return PreviewPublic.of(cron, zone, recurrence.preview(cron, zone, datetime.now(UTC), count))


async def _checked_params(
    uow: UnitOfWork,
    settings: Settings,
    tenant_id: str,
    definition: AnyReport,
    body: ScheduleWrite,
    zone: str,
) -> dict[str, Any]:
    saved = _parsed(definition.schedule_params_model, body.params)

    async def today() -> date:  # the schedule's own today: its periods are resolved there
        return datetime.now(ZoneInfo(zone)).date()

    context = ParamsContext(uow.session, tenant_id, settings.export_max_period_days, today)
    try:
        params: dict[str, Any] = await definition.schedule_params(saved, context)
    except ReportParamError as exc:
        raise refusal_problem(exc, prefix="params.") from None
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
    definition: AnyReport,
    body: RecipientsIn,
    params: dict[str, Any],
) -> dict[str, Any]:
    """The typed addresses, normalised, and the list's id, as stored in `recipients`."""
    policy = definition.recipients
    errors: list[tuple[str, str]] = []
    typed: Recipients | None = None
    try:
        typed = normalize_recipients(
            body.to, body.cc, body.bcc, max_total=settings.send_max_recipients
        )
    except RecipientError as exc:
        errors.extend(exc.errors)
    extra: Recipients | None = None
    if policy.internal_only:
        listed = await _listed(uow, tenant_id, body.distribution_list_id)
        extra = await _internal_only(uow, tenant_id, definition, body, listed, errors)
        assert typed is not None
    else:
        if body.distribution_list_id is not None:
            errors.append(("distribution_list_id", "distribution lists are for internal reports"))
        _raise_recipient_errors(errors)
        assert typed is not None
        if not typed.to:
            extra = await _directory_recipients(uow, tenant_id, definition, params)
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


async def _directory_recipients(
    uow: UnitOfWork, tenant_id: str, definition: AnyReport, params: dict[str, Any]
) -> Recipients:
    """The directory's entry for the ledger, else for its party; 422 when neither has a To
    (or the report takes no recipients from the directory)."""
    param = definition.recipients.directory_param
    ledger = str(params.get(param, "")) if param else ""
    entry = await entry_for_ledger(uow.session, tenant_id, ledger) if param else None
    if not param:
        raise field_error("recipients.to", "no recipient: nothing typed; type an address")
    if entry is None or not entry.to_addresses:
        raise field_error(
            "recipients.to",
            f"no recipient: the party directory has no entry for {ledger!r}; type an address",
            409,
            code="no_directory_entry",
        )
    return Recipients(list(entry.to_addresses), list(entry.cc_addresses), list(entry.bcc_addresses))


async def _listed(
    uow: UnitOfWork, tenant_id: str, list_id: uuid.UUID | None
) -> DistributionList | None:
    if list_id is None:
        return None
    found = await tenants.distribution_list(uow.session, tenant_id, list_id)
    if found is None:
        raise field_error(
            "recipients.distribution_list_id",
            "no such distribution list",
            404,
            code="distribution_list_not_found",
        )
    return found


async def _internal_only(
    uow: UnitOfWork,
    tenant_id: str,
    definition: AnyReport,
    body: RecipientsIn,
    listed: DistributionList | None,
    errors: list[tuple[str, str]],
) -> Recipients:
    """The list's addresses, once every address (typed or listed) is known to be internal."""
    policy = definition.recipients
    domains = await tenants.internal_domains(uow.session, tenant_id)
    if not domains:
        raise field_error(
            "recipients.to", definition.no_internal_domains(), 409, code="no_internal_domains"
        )
    _raise_recipient_errors(errors)
    # Malformed addresses were a 422 above; who is internal is the tenant's state: a 409.
    typed = Recipients(list(body.to), list(body.cc), list(body.bcc))
    outsiders = [
        (field, f"{address!r} is not an internal address{not_internal_hint(address)}")
        for field, address in policy.outsiders(typed, domains)
    ]
    from_list = Recipients([], [], [])
    if listed is not None:
        from_list = Recipients(
            list(listed.to_addresses), list(listed.cc_addresses), list(listed.bcc_addresses)
        )
        # The list was internal when saved; an admin may have removed a domain since.
        outsiders.extend(
            ("distribution_list_id", f"{address!r} (from the list) is not an internal address")
            for _, address in policy.outsiders(from_list, domains)
        )
    _raise_recipient_errors(outsiders, status=409, code="external_recipients")
    if not body.to and not from_list.to:
        raise field_error(
            "recipients.to",
            "no recipient: type an internal address or pick a distribution list",
            code="no_recipient",
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


def _raise_recipient_errors(
    errors: list[tuple[str, str]], status: int = 422, code: str | None = None
) -> None:
    if errors:
        fields = [{"field": f"recipients.{f}", "message": m} for f, m in errors]
        raise _problem(fields, status, code)


def _problem(
    errors: list[dict[str, str]], status: int = 422, code: str | None = None
) -> ProblemError:
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return ProblemError(status, detail, errors=errors, code=code)
