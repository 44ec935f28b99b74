"""What a report is: one `ReportDefinition` owns everything that differs between reports.

Its parameters (the model, the checks that need the books, the defaults that need the tenant),
its source (SQL and rows in the shape every writer draws, plus PostgreSQL's own CSV where it
can write the file), how a schedule's saved parameters become a run's, who may receive it, the
placeholders its email templates may use and their values, and its file name. The gateway, the
renderers, the scheduler and the mail-service look a definition up in the registry
(`registry.py`) and call it; none of them compares a report's name.

Errors a requester can act on are `ReportParamError`s naming the field, relative to the
report's parameters (`from_date`, `ledger`); the caller adds its own prefix (`params.`).
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from shared.domain.file_names import report_file_name
from shared.domain.recipients import Recipients, external_addresses
from shared.domain.refusals import FieldRefusal
from shared.domain.reports.document import Column, ReportSource
from shared.domain.reports.labels import Labels
from shared.languages import Language

FORMATS = frozenset({"csv", "xlsx", "pdf"})

P = TypeVar("P", bound=BaseModel)  # the parameters of one export
S = TypeVar("S", bound=BaseModel)  # the parameters a schedule saves (relative periods)
E = TypeVar("E", bound=BaseModel)  # the body of the report's email endpoint


class ReportParamError(FieldRefusal):
    """Bad report parameters; `field` names the offending one (a path under `params`).

    `status` and `code` say how the API answers: 422 for a value no request could use, 404
    `ledger_not_found` for a name the tenant's books do not hold (today)."""


def ledger_not_found(field: str, name: str) -> ReportParamError:
    return ReportParamError(field, f"no ledger named {name!r}", status=404, code="ledger_not_found")


@dataclass(frozen=True)
class RecipientPolicy:
    """Who may receive the report by email; the server enforces it at every step.

    `internal_only`: every To/CC/BCC address must be in one of the tenant's internal domains,
    typed or from a saved distribution list (lists exist for internal reports only).
    `directory_param`: when To is left empty, the party directory's entry for the ledger named
    by this parameter fills it (None: To must be typed)."""

    internal_only: bool
    directory_param: str | None = None

    @property
    def allows_distribution_lists(self) -> bool:
        return self.internal_only

    def outsiders(
        self, recipients: Recipients, internal_domains: list[str]
    ) -> list[tuple[str, str]]:
        """`(field, address)` of every address the policy refuses, in order; [] when it
        refuses none. The one internal-only rule, used wherever recipients are checked."""
        if not self.internal_only:
            return []
        return external_addresses(recipients, internal_domains)


@dataclass(frozen=True)
class ParamsContext:
    """What checking parameters against the books needs: the tenant's session, the export
    period limit, and the tenant's today (a coroutine, so only reports that need it ask)."""

    session: AsyncSession
    tenant_id: str
    max_period_days: int
    today: Callable[[], Awaitable[date]]


@dataclass(frozen=True)
class EmailRequest:
    """An email endpoint's body, split into the report's parameters and everything else."""

    params: dict[str, Any]
    format: str
    to: list[str]  # empty: nothing typed (the policy's directory may fill To)
    cc: list[str]
    bcc: list[str]
    distribution_list_id: uuid.UUID | None
    subject: str | None
    message: str | None
    # None: the party's (directory entry), else the tenant's default (`recipient_language`)
    language: Language | None = None
    confirm_balance: bool = False  # ask the party to confirm its balance (a link in the email)


class ReportDefinition(ABC, Generic[P, S, E]):
    """One report. Subclasses set the attributes and implement the abstract methods."""

    name: str  # as in the API and the database (`export_jobs.report`)
    title: str  # for people: the SPA's menus, the audit filter
    params_model: type[P]
    schedule_params_model: type[S]
    columns: tuple[Column, ...]
    recipients: RecipientPolicy
    formats: frozenset[str] = FORMATS
    # The placeholders the report's email templates may use (`{link_expiry}`: the body only).
    email_placeholders: tuple[str, ...] = ("company", "link_expiry")
    # The body of `POST /reports/{name}/email` and its one-line description (None: no endpoint).
    email_body: type[E] | None = None
    email_description: str = ""
    # Parameters `with_defaults` fills in when a request leaves them out (or sends null).
    defaulted_params: tuple[str, ...] = ()

    def request_params_schema(self) -> dict[str, Any]:
        """The JSON schema of the parameters a request may send: `params_model`'s, with the
        defaulted ones optional and nullable."""
        schema = self.params_model.model_json_schema()
        for name in self.defaulted_params:
            schema["properties"][name] = {"anyOf": [schema["properties"][name], {"type": "null"}]}
        required = [
            name for name in schema.get("required", []) if name not in self.defaulted_params
        ]
        schema["required"] = required
        return schema

    def parse_params(self, raw: Mapping[str, Any], max_period_days: int) -> P:
        """`raw` parsed and checked on its own (no database); raises ReportParamError naming
        the first bad field."""
        try:
            params = self.params_model.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "params"
            raise ReportParamError(field, first["msg"]) from exc
        self.check_params(params, max_period_days)
        return params

    def check_params(self, params: P, max_period_days: int) -> None:
        """Checks across fields (a period's order and length); none by default."""

    async def with_defaults(self, raw: Mapping[str, Any], ctx: ParamsContext) -> dict[str, Any]:
        """`raw` with the defaults that need the tenant filled in; none by default."""
        return dict(raw)

    async def resolved(self, params: P, ctx: ParamsContext) -> P:
        """`params` with names replaced by their canonical spelling in the books; raises
        ReportParamError when a named thing does not exist. Unchanged by default."""
        return params

    async def request_params(self, raw: Mapping[str, Any], ctx: ParamsContext) -> P:
        """A request's parameters: defaults filled, checked, resolved against the books."""
        params = self.parse_params(await self.with_defaults(raw, ctx), ctx.max_period_days)
        return await self.resolved(params, ctx)

    @abstractmethod
    async def open_source(
        self, conn: Any, tenant_id: str, company: str, params: P, labels: Labels
    ) -> ReportSource:
        """The document over a raw asyncpg connection; rows stream in batches when iterated.
        Its fixed words (title, column titles, balance lines) are in `labels`' language where
        the report has them in it (English otherwise)."""

    @abstractmethod
    async def schedule_params(self, saved: S, ctx: ParamsContext) -> dict[str, Any]:
        """What a schedule stores, checked at saving time (`ctx.today` is the schedule's)."""

    @abstractmethod
    def run_params(self, saved: Mapping[str, Any], local_day: date) -> dict[str, Any]:
        """A run's export parameters from the schedule's saved ones, on the run's local day.
        Raises shared.domain.periods.PeriodError or KeyError when the saved ones no longer
        make sense."""

    async def email_values(
        self, conn: Any, tenant_id: str, company: str, params: P, labels: Labels
    ) -> dict[str, str]:
        """What the email's placeholders say (`email_placeholders`, but `{link_expiry}`, which
        the mail-service fills), in the words of `labels`. `conn` offers asyncpg's `fetchval`
        and `fetchrow` (`$1` parameters), in the caller's transaction. Only the company by
        default."""
        return {"company": company}

    def sample_email_values(self, company: str, labels: Labels) -> dict[str, str]:
        """Made-up values for a template's preview, in the words of `labels`."""
        return {"company": company}

    def confirmation_subject(self, params: P) -> tuple[str, date] | None:
        """The ledger and the date whose balance a party may be asked to confirm with this
        report's email (`confirm_balance`); None for a report that asks no party."""
        return None

    def email_request(self, body: E) -> EmailRequest:
        """The email endpoint's body split up; only reports with an `email_body` have one."""
        raise NotImplementedError(f"the {self.name} report has no email endpoint")

    @abstractmethod
    def file_name_parts(self, params: Mapping[str, Any]) -> tuple[object, ...]:
        """What the file name is made of, most telling first (`Ledger`, the ledger, dates)."""

    def file_name_identity(self, params: Mapping[str, Any]) -> str | None:
        """The part of the file name that tells two files of one period apart (the ledger),
        or None when the other parts do (see shared.domain.file_names)."""
        return None

    def file_name(self, params: Mapping[str, Any], extension: str, max_bytes: int) -> str:
        """A readable, safe file name in the names' own scripts, within `max_bytes` UTF-8
        bytes: `Ledger_<ledger>_<from>_<to>.csv`."""
        parts = self.file_name_parts(params)
        identity = self.file_name_identity(params)
        return report_file_name(parts, extension, identity, max_bytes)

    def no_internal_domains(self) -> str:
        """Why an internal-only report cannot be sent before an admin sets internal domains."""
        return (
            f"the {self.name} report goes to internal addresses only, and this tenant has no "
            "internal email domains yet: an admin sets them in the email settings"
        )

    def refusal(self, outsiders: list[str]) -> str:
        """Why a send stopped because of addresses the policy refuses (run and send time)."""
        return (
            f"not sent: the {self.name} report goes to internal addresses only, and these "
            "are not internal (any more): " + ", ".join(outsiders)
        )
