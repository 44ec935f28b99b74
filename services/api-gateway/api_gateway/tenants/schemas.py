"""Bodies of the host's tenant routes, and the tenant id every host route takes in its path."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from api_gateway.account.schemas import CompanyProfileChange
from shared.domain.addresses import InvalidDomainError, normalize_domain
from shared.domain.recurrence import RecurrenceError, validate_timezone

# A short slug: it appears in URLs, logs and file paths.
TENANT_ID_PATTERN = r"^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$"
MAX_INTERNAL_DOMAINS = 20

TenantIdPath = Annotated[
    str,
    Path(
        pattern=TENANT_ID_PATTERN,
        max_length=64,
        description="The host's company id: lower-case letters, digits, '-' and '_'.",
        examples=["sharma-traders"],
    ),
]
Language = Literal["en", "mr", "hi"]


class TenantWrite(CompanyProfileChange):
    """A company as the host application describes it; PUT creates or replaces it (a profile
    field left out is cleared), checked like the admin's own tenant settings."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, Field(min_length=1, max_length=200)]
    timezone: str = Field(default="Asia/Kolkata", max_length=64, examples=["Asia/Kolkata"])
    default_language: Language | None = Field(
        default=None,
        description="The web app's language for the company's users who chose none and whose "
        "token names none; left out (null), each browser's Accept-Language decides",
    )
    internal_domains: list[Annotated[str, Field(max_length=255)]] = Field(
        default_factory=list,
        max_length=MAX_INTERNAL_DOMAINS,
        description="Domains whose addresses count as internal (the outstanding report's rule).",
    )

    @field_validator("timezone")
    @classmethod
    def _iana(cls, value: str) -> str:
        try:
            return validate_timezone(value)
        except RecurrenceError as exc:
            raise PydanticCustomError(
                "timezone_unknown", "{reason}", {"reason": str(exc)}
            ) from None

    @field_validator("internal_domains")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        try:
            normalized = [normalize_domain(value) for value in values]
        except InvalidDomainError as exc:
            raise PydanticCustomError("domain_invalid", "{reason}", {"reason": str(exc)}) from None
        return list(dict.fromkeys(normalized))


class TenantHostView(BaseModel):
    id: str
    name: str
    timezone: str
    default_language: str | None
    internal_domains: list[str]
    legal_name: str | None
    address: list[str]
    gstin: str | None
    pan: str | None
    phone: str | None
    email: str | None
    disabled: bool
    disabled_at: datetime | None
    created_at: datetime
