"""The reports: their catalogue (what the SPA offers), and sending one by email.

Every report with an email body in its definition gets `POST /reports/{name}/email`, built here
from the registry; the use case is the same for all (`use_cases.py`), the rules the report's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api_gateway.exports.schemas import ReportPublic
from api_gateway.http.deps import CurrentUser, IdempotencyKey, InfraDep, SettingsDep, UowDep
from api_gateway.http.openapi import problems
from api_gateway.reports.queueing import accepted, email_confirmation_id
from api_gateway.reports.schemas import ReportEmailAccepted
from api_gateway.reports.use_cases import send_report_email
from shared.domain.reports import REGISTRY, AnyReport

router = APIRouter(prefix="/reports")


@router.get("", tags=["reports"])
async def list_reports(user: CurrentUser) -> list[ReportPublic]:
    """The reports: formats, parameters, who may receive each, and its email endpoint."""
    return [ReportPublic.of(definition) for definition in REGISTRY.values()]


def _email_endpoint(definition: AnyReport) -> Callable[..., Awaitable[ReportEmailAccepted]]:
    async def endpoint(
        body: BaseModel,
        user: CurrentUser,
        uow: UowDep,
        infra: InfraDep,
        settings: SettingsDep,
        response: Response,
        idempotency_key: IdempotencyKey = None,
    ) -> ReportEmailAccepted:
        email, _ = await send_report_email(
            uow, infra.redis, settings, user, definition, body, idempotency_key
        )
        response.headers["Location"] = f"/api/v1/emails/{email.id}"
        return accepted(email, await email_confirmation_id(uow, email))

    # FastAPI reads the body's model from the signature: the report's own, so each endpoint
    # validates and documents its body as if written out by hand.
    endpoint.__annotations__["body"] = definition.email_body
    return endpoint


for _definition in REGISTRY.values():
    if _definition.email_body is not None:
        router.add_api_route(
            f"/{_definition.name}/email",
            _email_endpoint(_definition),
            methods=["POST"],
            status_code=202,
            name=f"email_{_definition.name}",
            tags=["report emails"],
            responses=problems(404, 409, 429),
            description=_definition.email_description,
        )
