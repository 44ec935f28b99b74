"""The FastAPI guards on every route: the bearer token's caller, and the admin-only variant.

A missing, expired or forged token is 401; a tenant this system does not know (or has
disabled) is 403; a user on an admin route is 403; the host application's service token on a
user route is 403, and a user token on a host route is 403. Decoding the token itself lives
in `shared.infra.tokens`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api_gateway.http.problems import ProblemError
from shared.infra.settings import Settings
from shared.infra.tokens import AuthError, Principal, ServicePrincipal, decode_token

log = logging.getLogger(__name__)

# The gateway supplies how to look a tenant up (a database lookup, cached): "active",
# "disabled", or None for a tenant this system does not know.
TenantStatus = Callable[[Request, str], Awaitable[str | None]]

_bearer = HTTPBearer(auto_error=False)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


def _decoded(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> Principal | ServicePrincipal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("missing bearer token")
    settings: Settings = request.app.state.settings
    try:
        return decode_token(credentials.credentials, settings)
    except AuthError as exc:
        raise _unauthorized(str(exc)) from exc


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated user; 401 without a valid token, 403 for an unknown or disabled
    tenant and for the host application's service token."""
    principal = _decoded(request, credentials)
    if isinstance(principal, ServicePrincipal):
        raise ProblemError(
            403,
            "a service token reaches only the host routes (/api/v1/tenants/...)",
            code="service_token_not_allowed",
        )
    tenant_status: TenantStatus = request.app.state.tenant_status
    found = await tenant_status(request, principal.tenant_id)
    if found is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="unknown tenant")
    if found == "disabled":
        raise ProblemError(403, "tenant disabled", code="tenant_disabled")
    return principal


def service_principal(scope: str) -> Callable[..., Awaitable[ServicePrincipal]]:
    """A guard for the host routes: a service token carrying `scope` (403 otherwise). Every
    call is logged with the token's `sub`, so the host's systems can be told apart."""

    async def guard(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> ServicePrincipal:
        principal = _decoded(request, credentials)
        if not isinstance(principal, ServicePrincipal):
            raise ProblemError(
                403, "this route takes the host application's service token", code="service_only"
            )
        if scope not in principal.scopes:
            raise ProblemError(
                403, f"the service token lacks the scope {scope!r}", code="scope_missing"
            )
        log.info(
            "service call",
            extra={"service": principal.service_id, "scope": scope, "method": request.method},
        )
        return principal

    return guard


async def admin_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The caller, who must be an admin of their tenant (403 otherwise)."""
    if not principal.is_admin:
        raise ProblemError(403, "this action needs the admin role", code="admin_only")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
AdminUser = Annotated[Principal, Depends(admin_principal)]
