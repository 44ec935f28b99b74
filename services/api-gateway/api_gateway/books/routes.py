"""The host application's books sync: POST ledgers, vouchers or bills; GET the status.

Each POST takes `application/x-ndjson` (one object a line, read as it streams) or a JSON
array, applies the good rows in one transaction and reports the bad ones by line:
`{"received", "applied", "unchanged", "deleted", "errors": [{"line", "id", "field",
"message"}]}`. Sending the same body twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from api_gateway.books.reading import JSON, NDJSON, read_rows
from api_gateway.http.auth import service_principal
from api_gateway.http.deps import SettingsDep, UowDep
from api_gateway.http.problems import ProblemError
from api_gateway.tenants.routes import known_tenant
from api_gateway.tenants.schemas import TenantIdPath
from shared.domain.books.bills import apply_bills
from shared.domain.books.ledgers import apply_ledgers
from shared.domain.books.outcome import Numbered, SyncOutcome
from shared.domain.books.rows import BillRow, LedgerRow, VoucherRow
from shared.domain.books.status import BookKind, books_status, mark_changed
from shared.domain.books.vouchers import apply_vouchers
from shared.infra.db import UnitOfWork
from shared.infra.tokens import ServicePrincipal

router = APIRouter(prefix="/tenants/{tenant_id}/books", tags=["host: books"])
BooksWriter = Annotated[ServicePrincipal, Depends(service_principal("books:write"))]
BooksReader = Annotated[ServicePrincipal, Depends(service_principal("books:read"))]
R = TypeVar("R", bound=BaseModel)
Apply = Callable[[AsyncSession, str, list[Numbered[R]], SyncOutcome], Awaitable[None]]


class RowErrorPublic(BaseModel):
    line: int
    id: str | None
    field: str
    message: str


class SyncResult(BaseModel):
    received: int
    applied: int
    unchanged: int
    deleted: int
    errors: list[RowErrorPublic]


class KindStatus(BaseModel):
    count: int
    lines: int | None = None
    last_changed_at: datetime | None


class BooksStatus(BaseModel):
    ledgers: KindStatus
    vouchers: KindStatus
    bills: KindStatus


def _sync_doc(model: type[BaseModel]) -> dict[str, Any]:
    """The request body as OpenAPI should show it (the route reads the body itself)."""
    row = _inlined(model.model_json_schema())
    return {
        "requestBody": {
            "required": True,
            "content": {
                NDJSON: {"schema": row, "description": "one row a line"},
                JSON: {"schema": {"type": "array", "items": row}},
            },
        }
    }


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


async def _sync(
    request: Request,
    uow: UnitOfWork,
    tenant_id: str,
    max_rows: int,
    kind: BookKind,
    model: type[R],
    apply: Apply[R],
) -> SyncResult:
    tenant = await known_tenant(uow, tenant_id)
    if tenant.disabled_at is not None:
        raise ProblemError(409, f"tenant {tenant_id!r} is disabled", code="tenant_disabled")
    rows, outcome = await read_rows(request, model, max_rows)
    await apply(uow.session, tenant_id, rows, outcome)
    if outcome.changed:
        await mark_changed(uow.session, tenant_id, kind)
    await uow.commit()
    return SyncResult.model_validate(outcome.as_dict())


_SYNC_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such tenant"},
    409: {"description": "The tenant is disabled"},
    413: {"description": "Over BOOKS_MAX_BODY_BYTES or BOOKS_MAX_ROWS_PER_REQUEST"},
    415: {"description": "Neither NDJSON nor a JSON array"},
}


def _sync_route(kind: BookKind, model: type[R], apply: Apply[R], summary: str) -> None:
    async def sync_rows(
        tenant_id: TenantIdPath,
        request: Request,
        service: BooksWriter,
        uow: UowDep,
        settings: SettingsDep,
    ) -> SyncResult:
        limit = settings.books_max_rows_per_request
        return await _sync(request, uow, tenant_id, limit, kind, model, apply)

    router.add_api_route(
        f"/{kind}",
        sync_rows,
        methods=["POST"],
        name=f"sync_{kind}",
        summary=f"Sync {kind}",
        description=summary,
        openapi_extra=_sync_doc(model),
        responses=_SYNC_RESPONSES,
    )


_sync_route(
    "ledgers", LedgerRow, apply_ledgers, "Upsert ledgers by the host's `id`; a rename keeps "
    "the ledger's history.",
)  # fmt: skip
_sync_route(
    "vouchers", VoucherRow, apply_vouchers, "Upsert vouchers by the host's `id`; a voucher "
    "replaces its lines, which must balance and name ledgers already synced.",
)  # fmt: skip
_sync_route(
    "bills", BillRow, apply_bills, "Upsert bills by the host's `id`; receivable or payable "
    "follows the ledger's group.",
)  # fmt: skip


@router.get("/status", responses={404: {"description": "No such tenant"}})
async def read_books_status(
    tenant_id: TenantIdPath, service: BooksReader, uow: UowDep
) -> BooksStatus:
    """Rows held per kind and when each kind last changed."""
    await known_tenant(uow, tenant_id)
    return BooksStatus.model_validate(await books_status(uow.session, tenant_id))
