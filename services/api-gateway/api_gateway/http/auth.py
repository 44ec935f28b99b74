"""The FastAPI guards on every route: the bearer token's caller, and the admin-only variant.

A missing, expired or forged token is 401; a tenant this system does not know is 403; a user
on an admin route is 403. Decoding the token itself lives in `shared.infra.tokens`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared.infra.settings import Settings
from shared.infra.tokens import AuthError, Principal, decode_token

# The gateway supplies how to check that a tenant exists (a database lookup, cached).
TenantExists = Callable[[Request, str], Awaitable[bool]]

_bearer = HTTPBearer(auto_error=False)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"}
    )


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller; 401 without a valid token, 403 for an unknown tenant."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("missing bearer token")
    settings: Settings = request.app.state.settings
    try:
        principal = decode_token(credentials.credentials, settings)
    except AuthError as exc:
        raise _unauthorized(str(exc)) from exc
    tenant_exists: TenantExists = request.app.state.tenant_exists
    if not await tenant_exists(request, principal.tenant_id):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="unknown tenant")
    return principal


async def admin_principal(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
    """The caller, who must be an admin of their tenant (403 otherwise)."""
    if not principal.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this action needs the admin role")
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]
AdminUser = Annotated[Principal, Depends(admin_principal)]
