"""The email templates' bodies: `TemplateWrite` in, `TemplatePublic` and `TemplatePreview` out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.report_emails import StoredTemplate


class TemplateWrite(BaseModel):
    """A whole template. Placeholders are names in braces (`{ledger}`); `{{` and `}}` are
    literal braces. Lengths are checked against the EMAIL_TEMPLATE_* settings."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(max_length=10_000)
    body: str = Field(max_length=200_000)


class PlaceholdersPublic(BaseModel):
    subject: list[str]
    body: list[str]


class TemplatePublic(BaseModel):
    report: str
    language: str
    subject: str
    body: str
    placeholders: PlaceholdersPublic = Field(description="The names each text may use.")
    is_default: bool = Field(description="True until an admin saves the tenant's own.")
    updated_at: datetime | None
    updated_by: str | None

    @classmethod
    def from_stored(
        cls, stored: StoredTemplate, placeholders: PlaceholdersPublic
    ) -> TemplatePublic:
        return cls(
            report=stored.report,
            language=stored.language,
            subject=stored.subject,
            body=stored.body,
            placeholders=placeholders,
            is_default=stored.is_default,
            updated_at=stored.updated_at,
            updated_by=stored.updated_by,
        )


class TemplateCollection(BaseModel):
    items: list[TemplatePublic]


class TemplatePreviewRequest(BaseModel):
    """What to render: texts left out are the saved template's; with `params` (the report's
    export parameters, e.g. a ledger and a period) the values are the books' own, without
    them made-up sample values."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = Field(default=None, max_length=10_000)
    body: str | None = Field(default=None, max_length=200_000)
    params: dict[str, Any] | None = None


class TemplatePreview(BaseModel):
    subject: str
    body: str
    values: dict[str, str] = Field(description="What each placeholder said.")
    sample: bool = Field(description="True when the values are made up (no `params`).")
