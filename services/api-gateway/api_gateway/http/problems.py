"""RFC 9457 problem details for every error the gateway returns; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    410: "Gone",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


class ProblemError(Exception):
    """Raise from a route or service function to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
        self.extra = extra or {}


def field_error(field: str, message: str, status: int = 422) -> ProblemError:
    """A validation problem naming one field (a dotted path such as `params.ledger`)."""
    return ProblemError(
        status, f"{field}: {message}", errors=[{"field": field, "message": message}]
    )


def problem_response(
    status: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **(extra or {}),
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


_RETRY_SOON = {"Retry-After": "2"}


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    # Drop FastAPI's leading "body"/"query" so clients see the field as they sent it.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field_path(e["loc"]), "message": str(e["msg"])} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    return problem_response(422, detail, errors=errors)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra
    )


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = getattr(exc, "headers", None)
    return problem_response(exc.status_code, str(exc.detail), headers=headers)


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    # PostgreSQL text cannot hold NUL; such input reaches the database only as a query value,
    # so it is the caller's mistake (422), not ours.
    if "0x00" in str(exc) or "CharacterNotInRepertoire" in type(getattr(exc, "orig", exc)).__name__:
        return problem_response(422, "text values cannot contain NUL characters (\\u0000)")
    if _database_unavailable(exc):
        return await _on_unavailable(request, exc)
    return await _on_unexpected(request, exc)


# SQLSTATE classes that mean "the database is not there right now": connection exceptions
# (08...) and a server shutting down, crashed or starting up (57P01, 57P02, 57P03).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def _database_unavailable(exc: Exception) -> bool:
    assert isinstance(exc, DBAPIError)
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    cause = exc.orig.__cause__ if exc.orig is not None else None
    return (
        exc.connection_invalidated
        or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
        or isinstance(cause, OSError)
    )


async def _on_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # A server we depend on is away (a restart, a failover): the request can be sent again.
    log.warning(
        "a server the gateway needs is unavailable: %s", exc, extra={"path": request.url.path}
    )
    return problem_response(
        503, "a server we depend on is unavailable; try again shortly", headers=_RETRY_SOON
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", extra={"path": request.url.path})
    return problem_response(500, "something went wrong on our side; it has been logged")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_database_error)
    # Connecting to PostgreSQL refused or reset before SQLAlchemy could wrap the error.
    app.add_exception_handler(ConnectionError, _on_unavailable)
    app.add_exception_handler(Exception, _on_unexpected)
