"""Internal distribution lists: everyone in the tenant reads them, admins write them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from api_gateway.distribution_lists.schemas import (
    DistributionListCollection,
    DistributionListPublic,
    DistributionListWrite,
)
from api_gateway.distribution_lists.use_cases import (
    create_distribution_list,
    delete_distribution_list,
    list_distribution_lists,
    read_distribution_list,
    update_distribution_list,
)
from api_gateway.http.deps import AdminUser, CurrentUser, UowDep
from api_gateway.http.openapi import problems

router = APIRouter(prefix="/distribution-lists", tags=["distribution lists"])


@router.get("")
async def list_lists(user: CurrentUser, uow: UowDep) -> DistributionListCollection:
    """Every distribution list of the tenant, ordered by name."""
    return await list_distribution_lists(uow, user)


@router.get("/{list_id:uuid}", responses=problems(404))
async def read_list(list_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> DistributionListPublic:
    """One list; `external` flags addresses that are no longer internal."""
    return await read_distribution_list(uow, user, list_id)


@router.post("", status_code=201, responses=problems(409))
async def create_list(
    body: DistributionListWrite, admin: AdminUser, uow: UowDep, response: Response
) -> DistributionListPublic:
    """Create a list of internal addresses (admins only); 409 when the name is taken."""
    created = await create_distribution_list(uow, admin, body)
    response.headers["Location"] = f"/api/v1/distribution-lists/{created.id}"
    return created


@router.put("/{list_id:uuid}", responses=problems(404, 409))
async def replace_list(
    list_id: uuid.UUID, body: DistributionListWrite, admin: AdminUser, uow: UowDep
) -> DistributionListPublic:
    """Replace a list's name and addresses (admins only)."""
    return await update_distribution_list(uow, admin, list_id, body)


@router.delete("/{list_id:uuid}", status_code=204, responses=problems(404))
async def delete_list(list_id: uuid.UUID, admin: AdminUser, uow: UowDep) -> Response:
    """Delete a list (admins only)."""
    await delete_distribution_list(uow, admin, list_id)
    return Response(status_code=204)
