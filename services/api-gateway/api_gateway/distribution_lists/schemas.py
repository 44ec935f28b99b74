"""Bodies of the distribution lists API (`DistributionListWrite` in, `DistributionListPublic` out).

Pydantic checks shapes and sizes; the meaning of the strings (addresses, internal domains,
header safety, unique names) is checked in `use_cases.py`.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.addresses import AddressField

# Addresses per list, To, CC and BCC together (after removing duplicates).
MAX_LIST_ADDRESSES = 50
MAX_NAME_LENGTH = 200  # the column's size

Address = AddressField


class DistributionListWrite(BaseModel):
    """A whole list: create, or replace every field on update."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1,
        max_length=MAX_NAME_LENGTH,
        description="Unique in the tenant, compared ignoring case and spaces.",
    )
    to: list[Address] = Field(default_factory=list, max_length=MAX_LIST_ADDRESSES)
    cc: list[Address] = Field(default_factory=list, max_length=MAX_LIST_ADDRESSES)
    bcc: list[Address] = Field(default_factory=list, max_length=MAX_LIST_ADDRESSES)


class DistributionListPublic(BaseModel):
    id: uuid.UUID
    name: str
    to: list[str]
    cc: list[str]
    bcc: list[str]
    external: list[str] = Field(
        description="Addresses of the list that are not internal any more (checked on every "
        "read, e.g. after an admin removed a domain)."
    )
    created_at: datetime
    updated_at: datetime | None


class DistributionListCollection(BaseModel):
    items: list[DistributionListPublic] = Field(description="Every list, ordered by name.")
