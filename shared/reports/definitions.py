"""What each report is, which formats it renders to, and how its parameters are checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db.models import Ledger


class ReportParamError(ValueError):
    """Bad report parameters; `field` names the offending one (a path under `params`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class LedgerParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    ledger: str = Field(min_length=1, max_length=200)
    from_date: date
    to_date: date


class OutstandingParams(BaseModel):
    """`as_of` defaults to today in the tenant's timezone; the gateway fills it in."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    as_of: date
    kind: Literal["receivable", "payable"]


@dataclass(frozen=True)
class ReportDefinition:
    name: str
    title: str
    params_model: type[BaseModel]
    formats: frozenset[str]


FORMATS = frozenset({"csv", "xlsx", "pdf"})

REPORTS: dict[str, ReportDefinition] = {
    "ledger": ReportDefinition(
        name="ledger",
        title="Ledger statement",
        params_model=LedgerParams,
        formats=FORMATS,
    ),
    "outstanding": ReportDefinition(
        name="outstanding",
        title="Outstanding",
        params_model=OutstandingParams,
        formats=FORMATS,
    ),
}


def validate_params(report: str, raw: dict[str, Any], max_period_days: int) -> BaseModel:
    """Parse and check `raw` for `report`; raises ReportParamError naming the field.

    The caller fills defaults that need context first (the outstanding report's `as_of`)."""
    definition = REPORTS.get(report)
    if definition is None:
        raise ReportParamError("report", f"unknown report {report!r}; known: {sorted(REPORTS)}")
    try:
        params = definition.params_model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "params"
        raise ReportParamError(field, first["msg"]) from exc
    if isinstance(params, LedgerParams):
        if params.from_date > params.to_date:
            raise ReportParamError("from_date", "from_date is after to_date")
        if (params.to_date - params.from_date).days > max_period_days:
            raise ReportParamError(
                "to_date", f"the period is longer than the {max_period_days}-day limit"
            )
    return params


async def resolve_ledger_name(session: AsyncSession, tenant_id: str, name: str) -> str | None:
    """The ledger's canonical name, matched case-insensitively; None when it does not exist."""
    result = await session.scalar(
        select(Ledger.name).where(
            Ledger.tenant_id == tenant_id, func.lower(Ledger.name) == name.strip().lower()
        )
    )
    return result


_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(report: str, params: dict[str, Any], extension: str) -> str:
    """A readable file name: `Ledger_<ledger>_<from>_<to>.csv`, `Outstanding_<kind>_<as_of>.pdf`."""
    if report == "ledger":
        parts = ["Ledger", params.get("ledger", ""), params.get("from_date"), params.get("to_date")]
    else:
        parts = [report.capitalize(), params.get("kind", ""), params.get("as_of", "")]
    stem = "_".join(_UNSAFE_FILENAME.sub("-", str(p)).strip("-") for p in parts if p)
    return f"{stem}.{extension}"
