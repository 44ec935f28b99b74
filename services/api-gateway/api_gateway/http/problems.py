"""RFC 9457 problem details for every error the gateway returns; never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from asyncpg.exceptions import (
    CannotConnectNowError,
    ConnectionDoesNotExistError,
    TooManyConnectionsError,
)
from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api_gateway.http.access_log import route_template
from api_gateway.http.text_query import NUL_CODE, NUL_MESSAGE
from shared.domain.refusals import FieldRefusal

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# Driver errors that say "no connection right now", not "this request is wrong".
_UNAVAILABLE_DATABASE = (
    TooManyConnectionsError,
    CannotConnectNowError,
    ConnectionDoesNotExistError,
    ConnectionRefusedError,
)
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
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


# Every problem carries a stable `code`: the rule's own when it names one, else the status's
# (and each field error without its own, the problem's), so a client such as the web app can
# always translate by code and never needs the English `detail`.
_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "busy",
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
        code: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
        # `code`: a stable, machine-readable name of the refusal (the detail is for people).
        self.extra = {**(extra or {}), **({"code": code} if code else {})}


def field_error(
    field: str, message: str, status: int = 422, *, code: str | None = None
) -> ProblemError:
    """A validation problem naming one field (a dotted path such as `params.ledger`); `code`
    is a stable word a client can test instead of the message (top level and in the error)."""
    error = {"field": field, "message": message}
    if code is None:
        return ProblemError(status, f"{field}: {message}", errors=[error])
    return ProblemError(status, f"{field}: {message}", errors=[{**error, "code": code}], code=code)


def refusal_problem(refusal: FieldRefusal, *, prefix: str = "") -> ProblemError:
    """The problem a domain rule's refusal answers with: its field (under `prefix`, such as
    "params."), status and code, and Retry-After when it says when to try again."""
    problem = field_error(
        f"{prefix}{refusal.field}", refusal.message, refusal.status, code=refusal.code
    )
    if refusal.retry_after is not None:
        problem.headers = {"Retry-After": str(refusal.retry_after)}
    return problem


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
    body.setdefault("code", _STATUS_CODES.get(status, "error"))
    if errors:
        body["errors"] = [{**error, "code": error.get("code") or body["code"]} for error in errors]
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    # Drop FastAPI's leading "body"/"query" so clients see the field as they sent it.
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # `code` is pydantic's error type (`int_type`, `ageing_buckets_not_increasing`...): stable
    # for clients, unlike the message.
    errors = [
        {"field": _field_path(e["loc"]), "message": str(e["msg"]), "code": str(e["type"])}
        for e in exc.errors()
    ]
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
    if exc.status_code == 405:
        # Starlette names the methods of the first route that matched the path only; a path
        # served by several routes (GET and POST of a collection) allows all of theirs.
        headers = {**(headers or {}), "Allow": _allowed_methods(request)}
    return problem_response(exc.status_code, str(exc.detail), headers=headers)


def _allowed_methods(request: Request) -> str:
    # Asked of every route for each method: FastAPI nests included routers, and a route's
    # `matches` is the one public way to see through them.
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)


async def _on_database_error(request: Request, exc: Exception) -> JSONResponse:
    # PostgreSQL text cannot hold NUL; such input reaches the database only as a value the
    # caller sent, so it is the caller's mistake (422), not ours. Query parameters are refused
    # by name before this (`text_query`); this is the net for text inside a body.
    if "0x00" in str(exc) or "CharacterNotInRepertoire" in type(getattr(exc, "orig", exc)).__name__:
        return problem_response(422, NUL_MESSAGE, extra={"code": NUL_CODE})
    if _database_unavailable(exc):
        return await _on_busy(request, exc)
    return await _on_unexpected(request, exc)


# SQLSTATE classes that mean "the database is not there right now": connection exceptions
# (08...) and a server shutting down, crashed or starting up (57P01, 57P02, 57P03).
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")


def _database_unavailable(exc: Exception) -> bool:
    assert isinstance(exc, DBAPIError)
    # SQLAlchemy's asyncpg adapter wraps the driver's error: the original is its cause.
    driver_errors = (exc.orig, getattr(exc.orig, "__cause__", None))
    sqlstate = str(getattr(exc.orig, "sqlstate", None) or "")
    return (
        exc.connection_invalidated
        or sqlstate.startswith(_UNAVAILABLE_SQLSTATES)
        or any(isinstance(e, (*_UNAVAILABLE_DATABASE, OSError)) for e in driver_errors)
    )


async def _on_busy(request: Request, exc: Exception) -> JSONResponse:
    """A pool that stayed exhausted past its timeout, or a server we depend on refusing
    connections (a restart, a failover): the request did nothing, and trying again shortly is
    the right move (503 + Retry-After)."""
    log.warning(
        "busy: answered 503",
        extra={"path": route_template(request), "error": type(exc).__name__},
    )
    retry_after = request.app.state.settings.gateway_busy_retry_after_seconds
    return problem_response(
        503,
        "the service is busy; try again shortly",
        headers={"Retry-After": str(retry_after)},
        extra={"code": "busy"},
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The route's template, not the path: a file link's path is its secret.
    log.exception("unhandled error", extra={"path": route_template(request)})
    return problem_response(500, "something went wrong on our side; it has been logged")


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_database_error)
    app.add_exception_handler(PoolTimeoutError, _on_busy)
    app.add_exception_handler(RedisConnectionError, _on_busy)
    app.add_exception_handler(RedisTimeoutError, _on_busy)
    # Connecting to PostgreSQL refused or reset before SQLAlchemy could wrap the error.
    app.add_exception_handler(ConnectionError, _on_busy)
    app.add_exception_handler(Exception, _on_unexpected)
