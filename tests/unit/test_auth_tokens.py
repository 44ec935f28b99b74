"""Token decoding: claims, algorithms, expiry (no HTTP, no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.infra.settings import Settings
from shared.infra.tokens import (
    AuthError,
    ServicePrincipal,
    decode_token,
    mint_service_token,
    mint_token,
)

SECRET = "a-test-secret-that-is-long-enough-for-hs256!!"


def test_hs256_round_trip() -> None:
    settings = Settings(app_env="development", auth_jwt_secret=SECRET)
    token = mint_token(settings, user_id="u1", tenant_id="t1", role="admin", email="a@b.in")
    principal = decode_token(token, settings)
    assert (principal.user_id, principal.tenant_id, principal.role) == ("u1", "t1", "admin")
    assert principal.is_admin


def test_rs256_with_a_public_key() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    settings = Settings(
        app_env="development",
        auth_jwt_algorithm="RS256",
        auth_jwt_public_key=public_pem,
        auth_jwt_private_key=private_pem,
    )
    token = mint_token(settings, user_id="u1", tenant_id="t1", role="user", email="a@b.in")
    assert decode_token(token, settings).role == "user"
    # An HS256 token signed with the public key as secret (algorithm confusion) is refused.
    confused = jwt.encode({"sub": "u1"}, SECRET, "HS256")
    with pytest.raises(AuthError):
        decode_token(confused, settings)


def test_missing_claims_and_bad_roles_are_refused() -> None:
    settings = Settings(app_env="development", auth_jwt_secret=SECRET)
    no_tenant = jwt.encode({"sub": "u1", "role": "admin", "email": "a@b", "exp": 9e9}, SECRET)
    superuser = jwt.encode(
        {"sub": "u1", "tenant": "t", "role": "root", "email": "a@b", "exp": 9e9}, SECRET
    )
    for token in (no_tenant, superuser):
        with pytest.raises(AuthError):
            decode_token(token, settings)


def test_expired_token_is_refused_beyond_the_leeway() -> None:
    settings = Settings(app_env="development", auth_jwt_secret=SECRET, auth_jwt_leeway_seconds=0)
    token = mint_token(
        settings, user_id="u", tenant_id="t", role="user", email="a@b", ttl=timedelta(seconds=-1)
    )
    with pytest.raises(AuthError, match="expired"):
        decode_token(token, settings)


def test_service_token_carries_its_scopes_and_no_tenant() -> None:
    settings = Settings(app_env="development", auth_jwt_secret=SECRET)
    token = mint_service_token(settings, service_id="host", scopes=("books:write", "books:read"))
    principal = decode_token(token, settings)
    assert principal == ServicePrincipal("host", frozenset({"books:write", "books:read"}))


def test_service_token_with_a_tenant_or_unknown_scope_is_refused() -> None:
    settings = Settings(app_env="development", auth_jwt_secret=SECRET)
    exp = datetime.now(UTC) + timedelta(minutes=5)
    for extra, words in (({"tenant": "t1"}, "names no tenant"), ({"scope": "root"}, "unknown")):
        claims = {"sub": "host", "role": "service", "scope": "books:read", "exp": exp, **extra}
        with pytest.raises(AuthError, match=words):
            decode_token(jwt.encode(claims, SECRET, "HS256"), settings)


def test_user_token_without_tenant_is_refused() -> None:
    settings = Settings(app_env="development", auth_jwt_secret=SECRET)
    claims = {"sub": "u", "role": "user", "email": "a@b", "exp": datetime.now(UTC) + timedelta(1)}
    with pytest.raises(AuthError, match="tenant"):
        decode_token(jwt.encode(claims, SECRET, "HS256"), settings)
