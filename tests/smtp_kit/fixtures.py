"""Pytest fixtures over the kit. Register with `pytest_plugins = ["tests.smtp_kit.fixtures"]`.

async def test_retry(smtp_sinks: SinkFactory) -> None:
    sink = await smtp_sinks("starttls", auth=("mailer", "s3cret"), data_replies=[451])
    ...  # stopped at teardown
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

import pytest

from .silent import SilentSmtpServer
from .sink import Security, SmtpSink


class SinkFactory(Protocol):
    async def __call__(self, security: Security = "plain", **options: Any) -> SmtpSink: ...


@pytest.fixture
async def smtp_sinks() -> AsyncIterator[SinkFactory]:
    """Start any number of `SmtpSink`s (same arguments as `SmtpSink`); all stop at teardown."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(security: Security = "plain", **options: Any) -> SmtpSink:
            return await stack.enter_async_context(SmtpSink(security, **options))

        yield start


@pytest.fixture
async def silent_smtp() -> AsyncIterator[SilentSmtpServer]:
    """A server that accepts connections and never answers."""
    async with SilentSmtpServer() as server:
        yield server
