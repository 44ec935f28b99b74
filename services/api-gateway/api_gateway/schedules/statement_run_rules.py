"""What a schedule of the statement-run kind may say, checked when it is saved.

Its `params` are a statement run's options (`group` or `ledgers`, a relative `period`, `n`,
the flags); its format is the schedule's. Each party gets its own statement at every run, so
the schedule names no recipients, and its report is the ledger statement. Errors name the
field under `params.` (or `recipients.`, `report`), as the other schedule rules do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from api_gateway.http.problems import ProblemError, field_error, refusal_problem
from api_gateway.schedules.schemas import ScheduleWrite
from shared.domain.reports import ReportParamError, report_named
from shared.domain.reports.ledger import LedgerParams
from shared.domain.statement_runs import StatementRunError
from shared.domain.statement_runs.options import StatementRunOptions
from shared.domain.statement_runs.selection import selected_ledgers
from shared.infra.db import UnitOfWork
from shared.infra.settings import Settings

NO_RECIPIENTS: dict[str, Any] = {"to": [], "cc": [], "bcc": [], "distribution_list_id": None}


async def checked_statement_run(
    uow: UnitOfWork, settings: Settings, tenant_id: str, body: ScheduleWrite, zone: str
) -> dict[str, Any]:
    """The run's options as stored in `params`; 422 (or 404 for unknown ledgers) naming the
    field."""
    if body.report != "ledger":
        raise field_error("report", "a statement run sends ledger statements: report ledger")
    recipients = body.recipients
    if recipients.to or recipients.cc or recipients.bcc or recipients.distribution_list_id:
        raise field_error(
            "recipients.to",
            "a statement run sends each party its own statement: leave recipients empty",
        )
    if "format" in body.params:
        raise field_error("params.format", "the format is the schedule's own `format`")
    try:
        options = StatementRunOptions.model_validate({**body.params, "format": body.format})
    except ValidationError as exc:
        errors = [
            {"field": ".".join(["params", *(str(p) for p in e["loc"])]), "message": e["msg"]}
            for e in exc.errors()
        ]
        raise ProblemError(422, "; ".join(e["message"] for e in errors), errors=errors) from None
    try:
        options.check_selection()
        start, end = options.dates(datetime.now(ZoneInfo(zone)).date())
        report_named("ledger").check_params(
            LedgerParams(ledger="-", from_date=start, to_date=end),
            settings.export_max_period_days,
        )
        await selected_ledgers(
            uow.session,
            tenant_id,
            group=options.group,
            ledgers=options.ledgers,
            max_ledgers=settings.statement_run_max_ledgers,
        )
    except (StatementRunError, ReportParamError) as exc:
        raise refusal_problem(exc, prefix="params.") from None
    return options.model_dump(mode="json", exclude={"format"}, exclude_none=True)
