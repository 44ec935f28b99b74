"""Bodies of the account endpoints: who is calling (`/me`) and the admin's tenant view."""

from __future__ import annotations

from pydantic import BaseModel


class TenantSummary(BaseModel):
    id: str
    name: str
    timezone: str


class MePublic(BaseModel):
    user_id: str
    email: str
    role: str
    tenant: TenantSummary


class TenantPublic(BaseModel):
    id: str
    name: str
    timezone: str
    internal_domains: list[str]
