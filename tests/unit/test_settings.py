"""Settings refuse placeholder secrets outside development, saying what to set."""

from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet
from pydantic import ValidationError

from shared.infra.settings import Settings


def test_development_accepts_the_built_in_secrets() -> None:
    settings = Settings(app_env="development")
    assert settings.is_development


@pytest.mark.parametrize("env", ["production", "test"])
def test_placeholder_secrets_are_refused_outside_development(env: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(app_env=env)
    message = str(caught.value)
    assert "AUTH_JWT_SECRET" in message
    assert "ENCRYPTION_KEYS" in message
    assert "FILE_LINK_SECRET" in message
    assert "secrets.token_urlsafe" in message  # says how to make one


def test_a_missing_app_env_means_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("APP_ENV", raising=False)
    with pytest.raises(ValidationError, match="APP_ENV=production refuses to start"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_real_secrets_are_accepted_in_production() -> None:
    settings = Settings(
        app_env="production",
        auth_jwt_secret=secrets.token_urlsafe(48),
        file_link_secret=secrets.token_urlsafe(48),
        encryption_keys=f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}",
    )
    assert len(settings.encryption_key_list) == 2


def test_rs256_needs_a_public_key_in_production() -> None:
    with pytest.raises(ValidationError, match="AUTH_JWT_PUBLIC_KEY"):
        Settings(
            app_env="production",
            auth_jwt_algorithm="RS256",
            file_link_secret=secrets.token_urlsafe(48),
            encryption_keys=Fernet.generate_key().decode(),
        )


def test_stream_prefix_applies_to_every_stream() -> None:
    assert (
        Settings(app_env="development", bus_stream_prefix="blue:").stream("export.requested")
        == "blue:export.requested"
    )
