"""The OpenAPI document tells the truth about errors: a host application generates its client
from it, and the fuzz test (tests/fuzz) holds every operation to it.

Every error the gateway answers is an RFC 9457 problem (`application/problem+json`, the
`Problem` schema below). The problems every route shares are added here from what the route
is: a bearer-token route can answer 401 and 403, one with parameters or a body 422, one with
a body 400 and 413, every API route 503 when PostgreSQL or Redis is away. A route lists the
problems of its own (a 404 for an unknown id, a 409 for a state that refuses the request, a
429) with `responses=problems(...)`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api_gateway.http.problems import PROBLEM_JSON

PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "RFC 9457 problem details. `code` is a stable word a client can test; "
    "`errors` names each bad field by its path (`params.ledger`, `to.0`).",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}
_DESCRIPTIONS = {
    400: "The body could not be read (not the declared media type's syntax)",
    401: "No valid bearer token",
    403: "The token's tenant is unknown, or the route needs the admin role",
    404: "Not found (or another tenant's)",
    409: "Refused by the current state of the tenant's data; `code` says which rule",
    410: "Gone: the file has expired",
    413: "The body is larger than the gateway accepts",
    415: "The body's media type is not one the route reads",
    422: "A field is invalid; `errors` names each one",
    429: "Too many report emails this minute; see Retry-After",
    503: "PostgreSQL or Redis is unavailable for a moment; see Retry-After",
}
# Every API route reads PostgreSQL (the tenant check at least), so every one can be busy.
_API_PREFIX = "/api/"


def problem_response(status: int) -> dict[str, Any]:
    return {
        "description": _DESCRIPTIONS[status],
        "content": {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}},
    }


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's `responses` for the problems of its own (the shared ones are added for it)."""
    return {status: problem_response(status) for status in statuses}


def install_openapi(app: FastAPI) -> None:
    """Build the app's document once, with the shared problems of every operation added."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                routes=app.routes,
            )
            app.openapi_schema = with_problems(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def with_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Add the shared problems to every operation; every problem is `application/problem+json`."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            _document_operation(path, method, operation)
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    # FastAPI's own validation error shapes are never sent: the problem above is.
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _document_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    shared: list[int] = []
    if operation.get("security"):
        shared += [401, 403]
    if operation.get("parameters") or operation.get("requestBody"):
        shared.append(422)
    if operation.get("requestBody"):
        shared += [400, 413]
    if path.startswith(_API_PREFIX):
        shared.append(503)
    for code in shared:
        responses[str(code)] = problem_response(code)
    for status, response in responses.items():
        content = response.get("content", {})
        if PROBLEM_JSON in content:
            # FastAPI adds an `application/json` entry to every declared response.
            response["content"] = {PROBLEM_JSON: content[PROBLEM_JSON]}
        elif status.startswith(("4", "5")) and not any(c.get("schema") for c in content.values()):
            # An error declared with a description only (`{404: {"description": ...}}`): every
            # error the gateway sends is a problem document.
            response["content"] = problem_response(int(status))["content"]
