"""Bodies of the account endpoints: who is calling (`/me`) and the admin's tenant view."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from shared.domain.reports import DEFAULT_BUCKETS, AgeingEdgesError, check_edges
from shared.domain.reports.ageing import MAX_EDGE_DAYS, MAX_EDGES


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
    ageing_buckets: list[int] = Field(
        description="Upper edges, in days overdue, of the outstanding report's ageing buckets"
    )


class TenantUpdate(BaseModel):
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

    @field_validator("ageing_buckets")
    @classmethod
    def _usable_edges(cls, edges: list[int] | None) -> list[int] | None:
        if edges is not None:
            try:
                check_edges(edges)
            except AgeingEdgesError as exc:
                raise PydanticCustomError(exc.code, exc.message) from exc
        return edges
