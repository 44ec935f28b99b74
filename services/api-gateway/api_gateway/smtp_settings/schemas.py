"""Bodies of the admin SMTP settings API (`EmailSettingsUpdate` in, `EmailSettingsPublic` out).

Pydantic checks shapes and ranges here; the meaning of the strings (host syntax, addresses,
domains, header safety) is checked in `use_cases.py` with `shared.domain.addresses`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from shared.domain.addresses import AddressField, BlankOrAddressField

SmtpSecurity = Literal["none", "starttls", "ssl"]
DeliveryMode = Literal["attach", "link"]

MAX_INTERNAL_DOMAINS = 50
MAX_PASSWORD_LENGTH = 1024


class DeliveryModes(BaseModel):
    """How each export format reaches recipients: attached to the email or as a download link."""

    model_config = ConfigDict(extra="forbid")

    csv: DeliveryMode = "attach"
    xlsx: DeliveryMode = "link"
    pdf: DeliveryMode = "link"


class EmailSettingsUpdate(BaseModel):
    """A full replacement of the settings; only `password` keeps its value when omitted."""

    model_config = ConfigDict(extra="forbid")

    host: str = Field(min_length=1, max_length=253, description="DNS name or IP, no port")
    port: int = Field(ge=1, le=65535)
    security: SmtpSecurity = "starttls"
    username: str | None = Field(default=None, max_length=320)
    # Write-only: omitted keeps the stored password, null clears it, a string replaces it.
    password: SecretStr | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_PASSWORD_LENGTH,
        description="Write-only. Omit to keep the stored password; null clears it.",
    )
    from_email: AddressField
    from_name: str | None = Field(default=None, max_length=200)
    reply_to: BlankOrAddressField | None = None
    timeout_seconds: int = Field(default=30, ge=1, le=120)
    max_attachment_mb: int = Field(default=10, ge=1, le=25)
    delivery: DeliveryModes = Field(default_factory=DeliveryModes)
    link_ttl_days: int = Field(default=7, ge=1, le=30)
    # Required, not defaulted: they live on the tenant, and a client that forgot them must
    # not silently wipe them.
    internal_domains: list[Annotated[str, Field(max_length=255)]] = Field(
        max_length=MAX_INTERNAL_DOMAINS,
        description="Domains whose addresses count as internal (exact match, no subdomains).",
    )

    @property
    def password_given(self) -> bool:
        """True when the body carried `password` (a string or null), False when omitted."""
        return "password" in self.model_fields_set


class EmailSettingsPublic(BaseModel):
    host: str
    port: int
    security: SmtpSecurity
    username: str | None
    has_password: bool
    from_email: str
    from_name: str | None
    reply_to: str | None
    timeout_seconds: int
    max_attachment_mb: int
    delivery: DeliveryModes
    link_ttl_days: int
    internal_domains: list[str]
    updated_at: datetime
    updated_by: str | None
    warnings: list[str] = Field(
        description="Accepted but suspicious choices, such as implicit TLS on port 587."
    )
