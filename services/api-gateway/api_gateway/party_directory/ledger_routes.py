"""The ledger picker of the email dialog: the tenant's ledgers by name."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api_gateway.http.deps import CurrentUser, UowDep
from api_gateway.http.text_query import NO_NUL, text_query
from api_gateway.party_directory.schemas import MAX_NAME_LENGTH, LedgerOptionsPublic
from api_gateway.party_directory.use_cases import search_ledgers

router = APIRouter(prefix="/ledgers", tags=["party directory"])

MAX_PAGE_SIZE = 100


@router.get("")
async def list_ledgers(
    user: CurrentUser,
    uow: UowDep,
    search: Annotated[str | None, text_query(MAX_NAME_LENGTH), NO_NUL] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> LedgerOptionsPublic:
    """Ledgers whose name contains `search` (any case), by name, with the party's GSTIN and
    address and `has_directory_entry`."""
    return await search_ledgers(uow, user.tenant_id, search=search, limit=limit)
