"""MultiFernet secrets: newest key encrypts, any key decrypts, rotation re-encrypts."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from shared.infra.crypto import SecretBox, SecretDecryptionError


def test_round_trip() -> None:
    box = SecretBox([Fernet.generate_key().decode()])
    token = box.encrypt("smtp-password")
    assert token != "smtp-password"
    assert box.decrypt(token) == "smtp-password"


def test_rotation_moves_a_secret_to_the_newest_key() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = SecretBox([old]).encrypt("s3cret")
    rotated = SecretBox([new, old]).rotate(token)
    assert SecretBox([new]).decrypt(rotated) == "s3cret"  # the old key is no longer needed
    with pytest.raises(SecretDecryptionError):
        SecretBox([old]).decrypt(rotated)


def test_unknown_key_is_a_clear_error() -> None:
    token = SecretBox([Fernet.generate_key().decode()]).encrypt("x")
    with pytest.raises(SecretDecryptionError, match="ENCRYPTION_KEYS"):
        SecretBox([Fernet.generate_key().decode()]).decrypt(token)


def test_malformed_key_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Fernet key"):
        SecretBox(["not-a-key"])
