"""Public link tokens: one spelling per token, signed for one purpose."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.links import (
    InvalidLinkError,
    make_confirmation_url,
    make_file_token,
    read_confirmation_token,
    read_file_token,
)

SECRET = "s" * 32
EXPIRES = datetime(2027, 1, 31, 18, 30, tzinfo=UTC)


def _tokens() -> list[str]:
    return [make_file_token(SECRET, uuid.uuid4(), EXPIRES + timedelta(i)) for i in range(64)]


def test_a_token_reads_back_what_it_names() -> None:
    job_id = uuid.uuid4()
    link = read_file_token(SECRET, make_file_token(SECRET, job_id, EXPIRES))
    assert (link.job_id, link.expires_at) == (job_id, EXPIRES)


@pytest.mark.parametrize("token", _tokens())
def test_every_changed_last_character_is_refused(token: str) -> None:
    # 44 bytes are 59 characters: the last one carries 2 unused bits, which the decoder alone
    # ignores, so about one in four changed last characters used to open the same link.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for other in alphabet.replace(token[-1], ""):
        with pytest.raises(InvalidLinkError):
            read_file_token(SECRET, token[:-1] + other)


def test_characters_outside_the_alphabet_are_not_skipped() -> None:
    token = make_file_token(SECRET, uuid.uuid4(), EXPIRES)
    for spelled in (token[:10] + "." + token[10:], token + "=", " " + token, token[:30] + "+"):
        with pytest.raises(InvalidLinkError):
            read_file_token(SECRET, spelled)


def test_a_download_token_never_opens_a_confirmation() -> None:
    row_id = uuid.uuid4()
    with pytest.raises(InvalidLinkError):
        read_confirmation_token(SECRET, make_file_token(SECRET, row_id, EXPIRES))
    confirmation = make_confirmation_url("https://lp.example", SECRET, row_id, EXPIRES)
    token = confirmation.rsplit("/", 1)[1]
    assert read_confirmation_token(SECRET, token).confirmation_id == row_id
    with pytest.raises(InvalidLinkError):
        read_file_token(SECRET, token)
