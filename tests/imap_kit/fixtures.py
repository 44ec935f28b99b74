"""Pytest fixtures over the IMAP kit: one server per session, one fresh folder per test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.imap_kit.server import ImapServer, running_imap_server


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    for found in running_imap_server():
        if isinstance(found, str):
            pytest.skip(found)
        yield found


@pytest.fixture
def imap_folder(imap_server: ImapServer) -> str:
    """A folder of this test's own, so tests never read each other's messages."""
    folder = f"Bounces-{uuid.uuid4().hex[:10]}"
    imap_server.create_folder(folder)
    return folder
