"""Bearer tokens: minting (the CLI's development tokens) and decoding (the gateway's guards).

Tokens are JWTs: HS256 signed with `AUTH_JWT_SECRET`, or RS256 verified with
`AUTH_JWT_PUBLIC_KEY` when the host app signs them. Claims: `sub` (user id), `tenant`,
`role` (`admin` | `user`), `email`, `exp`. A missing, expired or forged token is 401;
a tenant this system does not know is 403; a user on an admin route is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import jwt

from shared.infra.settings import Settings

Role = Literal["admin", "user"]
REQUIRED_CLAIMS = ("sub", "tenant", "role", "email", "exp")


class AuthError(Exception):
    """The token is missing, malformed, expired or not signed by us."""


@dataclass(frozen=True)
class Principal:
    user_id: str
    tenant_id: str
    role: Role
    email: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def _key_material(value: str) -> str:
    """A PEM given inline, or the path of a file holding one."""
    if value.lstrip().startswith("-----BEGIN"):
        return value
    return Path(value).read_text()


def decode_token(token: str, settings: Settings) -> Principal:
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
    if claims["role"] not in ("admin", "user"):
        raise AuthError("invalid token: role must be 'admin' or 'user'")
    return Principal(
        user_id=str(claims["sub"]),
        tenant_id=str(claims["tenant"]),
        role=claims["role"],
        email=str(claims["email"]),
    )


def mint_token(
    settings: Settings,
    *,
    user_id: str,
    tenant_id: str,
    role: Role,
    email: str,
    ttl: timedelta = timedelta(hours=12),
) -> str:
    """A signed token; for development and tests (production tokens come from the host app)."""
    claims = {
        "sub": user_id,
        "tenant": tenant_id,
        "role": role,
        "email": email,
        "exp": datetime.now(UTC) + ttl,
    }
    if settings.auth_jwt_algorithm == "RS256":
        if not settings.auth_jwt_private_key:
            raise AuthError("minting RS256 tokens needs AUTH_JWT_PRIVATE_KEY")
        return jwt.encode(claims, _key_material(settings.auth_jwt_private_key), "RS256")
    return jwt.encode(claims, settings.auth_jwt_secret, "HS256")
