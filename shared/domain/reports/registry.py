"""The registry: every report by name, the one place a name becomes a definition.

Built-in reports are registered at import, in menu order. A test may `register` a report of
its own and `unregister` it afterwards; services look reports up at run time, so a report
registered before they run works everywhere, its email endpoint needing the app to be built
after registration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from shared.domain.reports.confirmations import BalanceConfirmationsReport
from shared.domain.reports.definitions import ReportDefinition, ReportParamError
from shared.domain.reports.ledger import LedgerStatement
from shared.domain.reports.outstanding import OutstandingReport

AnyReport = ReportDefinition[Any, Any, Any]

REGISTRY: dict[str, AnyReport] = {}


def register(definition: AnyReport) -> AnyReport:
    """Add `definition`; a second report with the same name is a programming error."""
    if definition.name in REGISTRY:
        raise ValueError(f"a report named {definition.name!r} is already registered")
    REGISTRY[definition.name] = definition
    return definition


def unregister(name: str) -> None:
    REGISTRY.pop(name, None)


def report_named(name: str) -> AnyReport:
    """The definition of `name`; ReportParamError on the `report` field when there is none."""
    definition = REGISTRY.get(name)
    if definition is None:
        raise ReportParamError("report", f"unknown report {name!r}; known: {sorted(REGISTRY)}")
    return definition


def validate_params(report: str, raw: Mapping[str, Any], max_period_days: int) -> BaseModel:
    """Parse and check `raw` for `report`; raises ReportParamError naming the field.

    The caller fills defaults that need context first (the outstanding report's `as_of`)."""
    params: BaseModel = report_named(report).parse_params(raw, max_period_days)
    return params


def download_name(report: str, params: Mapping[str, Any], extension: str, max_bytes: int) -> str:
    """A readable file name: `Ledger_<ledger>_<from>_<to>.csv`, `Outstanding_<kind>_<as_of>.pdf`."""
    return report_named(report).file_name(params, extension, max_bytes)


class _RegisteredName:
    """A request body's `report`: checked against the registry when a request arrives, and
    shown in the OpenAPI document as the enum of the reports registered when it is drawn
    (what a `Literal` of the names would show, without writing the names down)."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_registered, core_schema.str_schema())

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"enum": list(REGISTRY), "type": "string"}


def _registered(name: str) -> str:
    if name not in REGISTRY:
        names = [repr(known) for known in REGISTRY]
        expected = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        # The error a `Literal` of the names gives, so clients see no difference.
        raise PydanticCustomError(
            "literal_error", "Input should be {expected}", {"expected": expected}
        )
    return name


ReportName = Annotated[str, _RegisteredName]


register(LedgerStatement())
register(OutstandingReport())
register(BalanceConfirmationsReport())


def schedule_params_summary() -> str:
    """One line naming each report's saved schedule parameters (`?` marks the optional ones),
    for the schedule body's documentation."""
    parts = []
    for definition in REGISTRY.values():
        fields = definition.schedule_params_model.model_fields
        names = ", ".join(f'"{n}"' + ("" if f.is_required() else "?") for n, f in fields.items())
        parts.append(f"{definition.name}: `{{{names}}}`")
    summary = "; ".join(parts) + "."
    return summary[:1].upper() + summary[1:]
