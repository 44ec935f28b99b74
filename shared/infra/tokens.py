"""Bearer tokens: minting (the CLI's development tokens) and decoding (the gateway's guards).

Tokens are JWTs: HS256 signed with `AUTH_JWT_SECRET`, or RS256 verified with
`AUTH_JWT_PUBLIC_KEY` when the host app signs them. Claims: `sub` (user id), `tenant`,
`role` (`admin` | `user`), `email`, `exp`, and optionally `locale` (the language the host
application shows its user, e.g. `mr-IN`: the web app's language until the user picks one).
A missing, expired or forged token is 401; a tenant this system does not know is 403; a user
on an admin route is 403.

The host application signs its own service token the same way: `role: "service"`, no
`tenant`, and a `scope` claim (space-separated: `tenants:write`, `books:write`,
`books:read`). Service tokens reach only the host routes; user tokens are refused there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import jwt

from shared.infra.settings import Settings

Role = Literal["admin", "user"]
Scope = Literal["tenants:write", "books:write", "books:read"]
SCOPES: frozenset[str] = frozenset(("tenants:write", "books:write", "books:read"))
REQUIRED_CLAIMS = ("sub", "role", "exp")
REQUIRED_USER_CLAIMS = ("tenant", "email")


class AuthError(Exception):
    """The token is missing, malformed, expired or not signed by us."""


@dataclass(frozen=True)
class Principal:
    user_id: str
    tenant_id: str
    role: Role
    email: str
    locale: str | None = None  # the token's `locale` claim, as the host wrote it

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True)
class ServicePrincipal:
    """The host application itself: no tenant, only what its scopes allow."""

    service_id: str
    scopes: frozenset[str]


def _key_material(value: str) -> str:
    """A PEM given inline, or the path of a file holding one."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    return Path(value).read_text()


def decode_token(token: str, settings: Settings) -> Principal | ServicePrincipal:
    if settings.auth_jwt_algorithm == "RS256":
        key = _key_material(settings.auth_jwt_public_key)
    else:
        key = settings.auth_jwt_secret
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[settings.auth_jwt_algorithm],
            options={"require": list(REQUIRED_CLAIMS)},
            leeway=settings.auth_jwt_leeway_seconds,
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthError("token expired") from exc
    except jwt.PyJWTError as exc:
        raise AuthError(f"invalid token: {exc}") from exc
    if claims["role"] == "service":
        return _service_principal(claims)
    if claims["role"] not in ("admin", "user"):
        raise AuthError("invalid token: role must be 'admin', 'user' or 'service'")
    missing = [name for name in REQUIRED_USER_CLAIMS if name not in claims]
    if missing:
        raise AuthError(f'invalid token: Token is missing the "{missing[0]}" claim')
    return Principal(
        user_id=str(claims["sub"]),
        tenant_id=str(claims["tenant"]),
        role=claims["role"],
        email=str(claims["email"]),
        locale=str(claims["locale"]) if claims.get("locale") else None,
    )


def _service_principal(claims: dict[str, Any]) -> ServicePrincipal:
    if "tenant" in claims:
        raise AuthError("invalid token: a service token names no tenant")
    scope = claims.get("scope", "")
    if not isinstance(scope, str):
        raise AuthError("invalid token: scope must be a space-separated string")
    unknown = sorted(set(scope.split()) - SCOPES)
    if unknown:
        raise AuthError(f"invalid token: unknown scope {unknown[0]!r}")
    return ServicePrincipal(service_id=str(claims["sub"]), scopes=frozenset(scope.split()))


def _sign(claims: dict[str, Any], settings: Settings) -> str:
    if settings.auth_jwt_algorithm == "RS256":
        if not settings.auth_jwt_private_key:
            raise AuthError("minting RS256 tokens needs AUTH_JWT_PRIVATE_KEY")
        return jwt.encode(claims, _key_material(settings.auth_jwt_private_key), "RS256")
    return jwt.encode(claims, settings.auth_jwt_secret, "HS256")


def mint_token(
    settings: Settings,
    *,
    user_id: str,
    tenant_id: str,
    role: Role,
    email: str,
    ttl: timedelta = timedelta(hours=12),
    locale: str | None = None,
) -> str:
    """A signed token; for development and tests (production tokens come from the host app)."""
    claims: dict[str, Any] = {
        "sub": user_id,
        "tenant": tenant_id,
        "role": role,
        "email": email,
        "exp": datetime.now(UTC) + ttl,
    }
    if locale:
        claims["locale"] = locale
    return _sign(claims, settings)


def mint_service_token(
    settings: Settings,
    *,
    service_id: str,
    scopes: tuple[Scope, ...],
    ttl: timedelta = timedelta(hours=1),
) -> str:
    """A service token as the host application signs it; for development and tests."""
    claims = {
        "sub": service_id,
        "role": "service",
        "scope": " ".join(scopes),
        "exp": datetime.now(UTC) + ttl,
    }
    return _sign(claims, settings)
