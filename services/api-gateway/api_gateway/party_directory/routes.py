"""The party email directory: who receives a ledger's statements. Admins write, everyone reads."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import AsyncGenerator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from api_gateway.http.deps import AdminUser, CurrentUser, UowDep
from api_gateway.http.openapi import problems
from api_gateway.http.problems import ProblemError, field_error
from api_gateway.http.text_query import NO_NUL, text_query
from api_gateway.party_directory.schemas import (
    MAX_IMPORT_BYTES,
    MAX_NAME_LENGTH,
    ImportReportPublic,
    PartyEmailPage,
    PartyEmailPublic,
)
from api_gateway.party_directory.schemas import PartyEmailWrite as Body
from api_gateway.party_directory.use_cases import (
    create_entry,
    delete_entry,
    export_csv,
    find_entry,
    import_csv,
    list_entries,
    lookup_entry,
    replace_entry,
)
from shared.domain.bounces.recipients import latest_bounces
from shared.domain.file_names import content_disposition
from shared.infra.db import UnitOfWork
from shared.infra.db.models import PartyEmail

router = APIRouter(prefix="/party-emails", tags=["party directory"])

MAX_PAGE_SIZE = 100
# Room for the multipart boundaries and part headers around a file of the largest size.
MULTIPART_OVERHEAD_BYTES = 16 * 1024
PARTY_DIRECTORY_FILE_NAME = "party-emails.csv"
IMPORT_PATH = "/party-emails/import"  # the import route's path below, with the prefix
# The gateway's body cap for the import: above this route's own, which answers first.
IMPORT_BODY_CAP = MAX_IMPORT_BYTES + 2 * MULTIPART_OVERHEAD_BYTES
_MULTIPART_AVAILABLE = importlib.util.find_spec("python_multipart") is not None
_CSV_TYPES = ("text/csv", "application/csv")
_UPLOAD_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}


async def _csv_upload(request: Request) -> bytes:
    """The uploaded CSV: the multipart field `file`, or a text/csv body; 413 past the limit."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in (*_CSV_TYPES, "multipart/form-data"):
        raise ProblemError(415, "send the CSV as multipart/form-data (field `file`) or text/csv")
    multipart = media == "multipart/form-data"
    if multipart and not _MULTIPART_AVAILABLE:
        raise ProblemError(415, "multipart uploads are not available here; send a text/csv body")
    cap = MAX_IMPORT_BYTES + (MULTIPART_OVERHEAD_BYTES if multipart else 0)
    too_large = ProblemError(413, f"the file is larger than {MAX_IMPORT_BYTES} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise too_large  # refused before reading a byte
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > cap:
            raise too_large
    return await _multipart_file(request.headers, bytes(body)) if multipart else bytes(body)


async def _multipart_file(headers: Headers, body: bytes) -> bytes:
    async def once() -> AsyncGenerator[bytes, None]:
        yield body

    parser = MultiPartParser(headers, once(), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise ProblemError(400, f"not a readable multipart upload: {exc.message}") from None
    try:
        upload = form.get("file")
        if upload is None:
            raise field_error("file", "attach the CSV as the form field `file`")
        return upload.encode() if isinstance(upload, str) else await upload.read()
    finally:
        await form.close()


# Declared after `AdminUser` in a route, so a caller without the role is refused before the read.
CsvUpload = Annotated[bytes, Depends(_csv_upload)]
# The last ledger key of the previous page, as UTF-8 in hex (any such text is a position).
PartyCursor = Annotated[
    str | None,
    Query(pattern=r"^([0-9a-f]{2}){1,1024}$", description="`next_cursor` of the previous page."),
]
LookupName = Annotated[str | None, text_query(MAX_NAME_LENGTH), NO_NUL]


@router.get("")
async def list_party_emails(
    user: CurrentUser,
    uow: UowDep,
    q: LookupName = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
    cursor: PartyCursor = None,
) -> PartyEmailPage:
    """Directory entries by ledger name; `q` searches ledger and party names."""
    rows, next_cursor = await list_entries(uow, user.tenant_id, q=q, limit=limit, cursor=cursor)
    return PartyEmailPage(items=await _public(uow, user.tenant_id, *rows), next_cursor=next_cursor)


@router.post("", status_code=201, responses=problems(409))
async def create_party_email(
    body: Body, admin: AdminUser, uow: UowDep, response: Response
) -> PartyEmailPublic:
    """Add a ledger's recipients (409 when the ledger already has an entry)."""
    row = await create_entry(uow, admin.tenant_id, body)
    response.headers["Location"] = f"/api/v1/party-emails/{row.id}"
    return (await _public(uow, admin.tenant_id, row))[0]


@router.get("/lookup", responses=problems(404))
async def lookup_party_email(
    user: CurrentUser, uow: UowDep, ledger: LookupName = None, party: LookupName = None
) -> PartyEmailPublic:
    """The entry for a ledger or a party that fills the email dialog; 404 when there is none."""
    row = await lookup_entry(uow, user.tenant_id, ledger=ledger, party=party)
    return (await _public(uow, user.tenant_id, row))[0]


@router.get("/export", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
async def export_party_emails(user: CurrentUser, uow: UowDep) -> Response:
    """The directory as CSV (`ledger_name,party_name,to,cc,bcc`), importable unchanged."""
    return Response(
        await export_csv(uow, user.tenant_id),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(PARTY_DIRECTORY_FILE_NAME)},
    )


@router.post("/import", openapi_extra=_UPLOAD_DOC, responses=problems(400, 413, 415))
async def import_party_emails(admin: AdminUser, data: CsvUpload, uow: UowDep) -> ImportReportPublic:
    """Upsert a CSV in one transaction; bad rows are skipped whole and reported by row number."""
    return await import_csv(uow, admin.tenant_id, data)


@router.get("/{entry_id:uuid}", responses=problems(404))
async def read_party_email(entry_id: uuid.UUID, user: CurrentUser, uow: UowDep) -> PartyEmailPublic:
    """One directory entry."""
    row = await find_entry(uow, user.tenant_id, entry_id)
    return (await _public(uow, user.tenant_id, row))[0]


@router.put("/{entry_id:uuid}", responses=problems(404, 409))
async def replace_party_email(
    entry_id: uuid.UUID, body: Body, admin: AdminUser, uow: UowDep
) -> PartyEmailPublic:
    """Replace every field of an entry (409 when its new ledger already has one)."""
    row = await replace_entry(uow, admin.tenant_id, entry_id, body)
    return (await _public(uow, admin.tenant_id, row))[0]


@router.delete("/{entry_id:uuid}", status_code=204, responses=problems(404))
async def delete_party_email(entry_id: uuid.UUID, admin: AdminUser, uow: UowDep) -> Response:
    """Remove an entry."""
    await delete_entry(uow, admin.tenant_id, entry_id)
    return Response(status_code=204)


async def _public(uow: UnitOfWork, tenant_id: str, *rows: PartyEmail) -> list[PartyEmailPublic]:
    """Entries as the API shows them, each address that bounced flagged."""
    addresses = [a for r in rows for a in (*r.to_addresses, *r.cc_addresses, *r.bcc_addresses)]
    bounces = await latest_bounces(uow.session, tenant_id, addresses)
    return [PartyEmailPublic.from_row(row, bounces) for row in rows]
