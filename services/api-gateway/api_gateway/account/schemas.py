"""Bodies of the account endpoints: who is calling (`/me`) and the admin's tenant view."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, field_validator
from pydantic_core import PydanticCustomError

from api_gateway.account.language import LanguageSource
from api_gateway.account.profile import (
    check_email,
    check_gstin,
    check_pan,
    check_phone,
    check_plain_text,
)
from shared.domain.reports import DEFAULT_BUCKETS, AgeingEdgesError, check_edges
from shared.domain.reports.ageing import MAX_EDGE_DAYS, MAX_EDGES
from shared.languages import Language


class TenantSummary(BaseModel):
    id: str
    name: str
    timezone: str
    default_language: Language | None = Field(
        description="The web app's language for users who chose none (null: the browser's)"
    )


class MePublic(BaseModel):
    user_id: str
    email: str
    role: str
    tenant: TenantSummary
    language: Language = Field(
        description="The language the web app speaks to this user: their saved choice, else "
        "the token's `locale`, else the tenant's default, else the browser's Accept-Language"
    )
    language_source: LanguageSource = Field(description="Which of those decided `language`")
    saved_language: Language | None = Field(
        description="The user's own choice (`PUT /me`), per user and tenant; null when none"
    )


class MeUpdate(BaseModel):
    """The caller's own settings. A user is a `sub` within a tenant: the same `sub` in another
    tenant keeps its own choice."""

    model_config = ConfigDict(extra="forbid")

    language: Language | None = Field(
        description="`en`, `mr` or `hi`; null forgets the choice (the token's locale, the "
        "tenant's default or the browser decides again)",
        examples=["mr"],
    )


_BYTE_ORDER_MARK = (
    "Whether every CSV the tenant downloads or sends (reports, the party directory) starts "
    "with a UTF-8 byte-order mark, which Excel needs to read UTF-8 (Devanagari, ₹) rather "
    "than the machine's legacy code page. On by default; off for programs that read the files."
)


class TenantPublic(BaseModel):
    id: str
    name: str
    timezone: str
    internal_domains: list[str]
    ageing_buckets: list[int] = Field(
        description="Upper edges, in days overdue, of the outstanding report's ageing buckets"
    )
    legal_name: str | None = Field(description="The name on the letterhead (default: `name`)")
    address: list[str] = Field(description="The letterhead's address, line by line")
    gstin: str | None
    pan: str | None
    phone: str | None
    email: str | None
    csv_byte_order_mark: bool = Field(description=_BYTE_ORDER_MARK)
    default_language: Language | None = Field(
        description="The web app's language for users who chose none and whose token names "
        "none; null lets each browser's Accept-Language decide"
    )


class CompanyProfileChange(BaseModel):
    """The company profile printed on every document's letterhead (the admin's tenant
    settings and the host application's tenant both carry it)."""

    model_config = ConfigDict(extra="forbid")

    # "" (or [] for the address) clears a field; the gateway also checks the address against
    # its line limits and that a GSTIN and a PAN saved together agree (`account.profile`).
    legal_name: StrictStr | None = Field(default=None, max_length=200)
    address: list[StrictStr] | None = Field(
        default=None,
        description="Lines as printed, top to bottom; blank lines are dropped. Limits: "
        "`LETTERHEAD_ADDRESS_MAX_LINES` lines of `LETTERHEAD_ADDRESS_LINE_MAX_CHARS` characters.",
        examples=[["Plot 14, MIDC Bhosari", "Pune 411026", "Maharashtra"]],
    )
    gstin: StrictStr | None = Field(
        default=None,
        description="15 characters with a valid check character; its PAN part must match `pan`",
        examples=["27AAPFU0939F1ZV"],
    )
    pan: StrictStr | None = Field(default=None, examples=["AAPFU0939F"])
    phone: StrictStr | None = Field(default=None, max_length=40, examples=["+91 20 2712 3456"])
    email: StrictStr | None = Field(default=None, max_length=320)

    _plain = field_validator("legal_name")(check_plain_text)
    _gstin = field_validator("gstin")(check_gstin)
    _pan = field_validator("pan")(check_pan)
    _phone = field_validator("phone")(check_phone)
    _email = field_validator("email")(check_email)


class TenantUpdate(CompanyProfileChange):
    """The tenant settings an admin may change. A field left out (or null) keeps its saved
    value, so the body can grow with more settings without a client that does not know them
    resetting them."""

    model_config = ConfigDict(extra="forbid")

    ageing_buckets: list[StrictInt] | None = Field(
        default=None,
        description=(
            "Upper edges, in days overdue, of the outstanding report's ageing buckets: "
            f"1 to {MAX_EDGES} whole days, strictly increasing, each 1 to {MAX_EDGE_DAYS}. "
            f"{list(DEFAULT_BUCKETS.edges)} (the default) makes Not due, "
            f"{', '.join(DEFAULT_BUCKETS.labels[1:])}."
        ),
        examples=[[30, 60, 90]],
    )

    csv_byte_order_mark: StrictBool | None = Field(
        default=None, description=f"{_BYTE_ORDER_MARK} `true` or `false`.", examples=[True]
    )

    default_language: Literal["en", "mr", "hi", ""] | None = Field(
        default=None,
        description="The web app's language for the tenant's users who chose none: `en`, `mr` "
        'or `hi`; "" clears it (each browser\'s Accept-Language decides)',
        examples=["mr"],
    )

    @field_validator("ageing_buckets")
    @classmethod
    def _usable_edges(cls, edges: list[int] | None) -> list[int] | None:
        if edges is not None:
            try:
                check_edges(edges)
            except AgeingEdgesError as exc:
                raise PydanticCustomError(exc.code, exc.message) from exc
        return edges
