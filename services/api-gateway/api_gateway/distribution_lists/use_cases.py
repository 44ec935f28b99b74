"""Internal distribution lists for the gateway: named To/CC/BCC sets of the tenant's own people.

A list may hold internal addresses only (the tenant's `internal_domains`): it is checked when
saved, and checked again on every read, because an admin may remove a domain later. Reads flag
such addresses in `external` instead of failing, so the admin can see and fix them.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Executable

from api_gateway.distribution_lists.schemas import (
    MAX_LIST_ADDRESSES,
    DistributionListCollection,
    DistributionListPublic,
    DistributionListWrite,
)
from api_gateway.http.problems import ProblemError, field_error
from shared.domain import tenants
from shared.domain.addresses import contains_header_unsafe, not_internal_hint
from shared.domain.recipients import (
    RecipientError,
    Recipients,
    external_addresses,
    normalize_recipients,
)
from shared.infra.db import UnitOfWork
from shared.infra.db.models import DistributionList
from shared.infra.tokens import Principal

log = logging.getLogger(__name__)

NOT_FOUND = "no such distribution list"
NO_INTERNAL_DOMAINS = (
    "the tenant has no internal email domains; an admin sets them in the email settings"
)
EMPTY_LIST = "a list needs at least one address in to, cc or bcc"
_NAME_INDEX = "uq_distribution_lists_name"
# Errors are reported in the order of the body's fields, then by position in each list.
_FIELD_ORDER = {"name": 0, "to": 1, "cc": 2, "bcc": 3}


@dataclass(frozen=True)
class CheckedList:
    """A write body, validated: the tidied name, its unique key and the addresses."""

    name: str
    key: str
    recipients: Recipients


def list_name_key(name: str) -> str:
    """How names are compared: case-insensitively, runs of whitespace counted as one space."""
    return " ".join(name.split()).lower()


def check_list(body: DistributionListWrite, internal_domains: list[str]) -> CheckedList:
    """Validate a write; every bad field is reported at once (422, by JSON path)."""
    if not internal_domains:
        # Every address would be refused as external: name the real cause instead.
        raise ProblemError(409, NO_INTERNAL_DOMAINS, code="no_internal_domains")
    errors: list[tuple[str, str]] = []
    name = " ".join(body.name.split())
    # The name may end up in a header (a group name in To); a line break there would inject.
    if contains_header_unsafe(body.name):
        errors.append(("name", "must not contain line breaks or other control characters"))
    elif not name:
        errors.append(("name", "must not be blank"))
    recipients: Recipients | None = None
    try:
        recipients = normalize_recipients(body.to, body.cc, body.bcc, max_total=MAX_LIST_ADDRESSES)
    except RecipientError as exc:
        errors.extend(exc.errors)
    if not (body.to or body.cc or body.bcc):
        errors.append(("to", EMPTY_LIST))
    if errors or recipients is None:
        raise _validation_problem(errors)
    # Checked on the lists as sent, so each field path points at the entry the client wrote.
    # The tenant's internal domains decide, not the request's shape: a 409, after the 422s.
    as_sent = Recipients(list(body.to), list(body.cc), list(body.bcc))
    outsiders = [
        (field, _not_internal(address, internal_domains))
        for field, address in external_addresses(as_sent, internal_domains)
    ]
    if outsiders:
        raise _validation_problem(outsiders, status=409, code="external_recipients")
    return CheckedList(name=name, key=list_name_key(name), recipients=recipients)


async def list_distribution_lists(
    uow: UnitOfWork, principal: Principal
) -> DistributionListCollection:
    """Every list of the caller's tenant, ordered by name (case-insensitively)."""
    domains = await tenants.internal_domains(uow.session, principal.tenant_id)
    rows = await uow.session.scalars(
        select(DistributionList)
        .where(DistributionList.tenant_id == principal.tenant_id)
        .order_by(DistributionList.name_key, DistributionList.id)
    )
    return DistributionListCollection(items=[_public(row, domains) for row in rows])


async def read_distribution_list(
    uow: UnitOfWork, principal: Principal, list_id: uuid.UUID
) -> DistributionListPublic:
    """One list of the caller's tenant (404 for another tenant's)."""
    row = await _find(uow, principal.tenant_id, list_id)
    return _public(row, await tenants.internal_domains(uow.session, principal.tenant_id))


async def create_distribution_list(
    uow: UnitOfWork, admin: Principal, body: DistributionListWrite
) -> DistributionListPublic:
    """Validate and store a new list (committed); 409 when the name is taken."""
    domains = await tenants.internal_domains(uow.session, admin.tenant_id)
    checked = check_list(body, domains)
    await _ensure_name_free(uow, admin.tenant_id, checked)
    values = _values(checked)
    statement = (
        insert(DistributionList)
        .values(id=uuid.uuid4(), tenant_id=admin.tenant_id, **values)
        .returning(DistributionList)
    )
    row = await _write(uow, statement, checked)
    public = _public(row, domains)
    await uow.commit()
    _log("created", admin, row)
    return public


async def update_distribution_list(
    uow: UnitOfWork, admin: Principal, list_id: uuid.UUID, body: DistributionListWrite
) -> DistributionListPublic:
    """Replace a list's name and addresses (committed); 404 for another tenant's list."""
    domains = await tenants.internal_domains(uow.session, admin.tenant_id)
    checked = check_list(body, domains)
    await _find(uow, admin.tenant_id, list_id)
    await _ensure_name_free(uow, admin.tenant_id, checked, exclude=list_id)
    statement = (
        update(DistributionList)
        .where(DistributionList.id == list_id, DistributionList.tenant_id == admin.tenant_id)
        .values(**_values(checked))
        .returning(DistributionList)
    )
    row = await _write(uow, statement, checked)
    public = _public(row, domains)
    await uow.commit()
    _log("updated", admin, row)
    return public


async def delete_distribution_list(uow: UnitOfWork, admin: Principal, list_id: uuid.UUID) -> None:
    """Delete a list (committed); 404 for another tenant's list."""
    deleted = await uow.session.scalar(
        delete(DistributionList)
        .where(DistributionList.id == list_id, DistributionList.tenant_id == admin.tenant_id)
        .returning(DistributionList.id)
    )
    if deleted is None:
        raise ProblemError(404, NOT_FOUND)
    await uow.commit()
    log.info(
        "distribution list deleted",
        extra={"tenant_id": admin.tenant_id, "list_id": str(list_id), "by": admin.user_id},
    )


async def _find(uow: UnitOfWork, tenant_id: str, list_id: uuid.UUID) -> DistributionList:
    row = await tenants.distribution_list(uow.session, tenant_id, list_id)
    if row is None:
        raise ProblemError(404, NOT_FOUND)
    return row


async def _ensure_name_free(
    uow: UnitOfWork, tenant_id: str, checked: CheckedList, exclude: uuid.UUID | None = None
) -> None:
    query = select(DistributionList.id).where(
        DistributionList.tenant_id == tenant_id, DistributionList.name_key == checked.key
    )
    if exclude is not None:
        query = query.where(DistributionList.id != exclude)
    if await uow.session.scalar(query) is not None:
        raise _duplicate(checked.name)


async def _write(uow: UnitOfWork, statement: Executable, checked: CheckedList) -> DistributionList:
    """Run the INSERT/UPDATE ... RETURNING; the unique index settles a race the check lost."""
    try:
        result = await uow.session.scalars(statement, execution_options={"populate_existing": True})
        row: DistributionList = result.one()
    except IntegrityError as exc:
        if _NAME_INDEX not in str(exc.orig):
            raise
        raise _duplicate(checked.name) from None
    return row


def _values(checked: CheckedList) -> dict[str, object]:
    return {
        "name": checked.name,
        "name_key": checked.key,
        "to_addresses": checked.recipients.to,
        "cc_addresses": checked.recipients.cc,
        "bcc_addresses": checked.recipients.bcc,
        "updated_at": func.now(),
    }


def _public(row: DistributionList, internal_domains: list[str]) -> DistributionListPublic:
    stored = Recipients(list(row.to_addresses), list(row.cc_addresses), list(row.bcc_addresses))
    return DistributionListPublic(
        id=row.id,
        name=row.name,
        to=stored.to,
        cc=stored.cc,
        bcc=stored.bcc,
        external=[address for _, address in external_addresses(stored, internal_domains)],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _not_internal(address: str, internal_domains: list[str]) -> str:
    hint = not_internal_hint(address) or f" (internal domains: {', '.join(internal_domains)})"
    return f"not an internal address: {address!r}{hint}"


def _duplicate(name: str) -> ProblemError:
    return field_error(
        "name",
        f"a distribution list named {name!r} already exists",
        status=409,
        code="already_exists",
    )


def _validation_problem(
    errors: list[tuple[str, str]], status: int = 422, code: str | None = None
) -> ProblemError:
    def position(error: tuple[str, str]) -> tuple[int, int]:
        head, _, index = error[0].partition(".")
        return _FIELD_ORDER.get(head, len(_FIELD_ORDER)), int(index) if index.isdigit() else -1

    ordered = sorted(errors, key=position)
    detail = "; ".join(f"{field}: {message}" for field, message in ordered)
    return ProblemError(
        status,
        detail,
        errors=[{"field": field, "message": message} for field, message in ordered],
        code=code,
    )


def _log(action: str, admin: Principal, row: DistributionList) -> None:
    # Counts, not addresses: the log is no place for the tenant's staff directory.
    log.info(
        "distribution list saved",
        extra={
            "action": action,
            "tenant_id": admin.tenant_id,
            "list_id": str(row.id),
            "by": admin.user_id,
            "addresses": len(row.to_addresses) + len(row.cc_addresses) + len(row.bcc_addresses),
        },
    )
