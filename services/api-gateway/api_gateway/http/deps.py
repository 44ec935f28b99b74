"""Dependencies routes declare with `Annotated` aliases, so signatures read like prose."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request

from api_gateway.http.auth import AdminUser, CurrentUser
from shared.infra.db import UnitOfWork
from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from shared.infra.storage import LocalStorage

__all__ = [
    "AdminUser",
    "CurrentUser",
    "IdempotencyKey",
    "InfraDep",
    "SettingsDep",
    "StorageDep",
    "UowDep",
]

MAX_IDEMPOTENCY_KEY_LENGTH = 200


def _infra(request: Request) -> Infrastructure:
    infra: Infrastructure = request.app.state.infra
    return infra


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _storage(request: Request) -> LocalStorage:
    storage: LocalStorage = request.app.state.storage
    return storage


async def _uow(infra: Annotated[Infrastructure, Depends(_infra)]) -> AsyncIterator[UnitOfWork]:
    async with infra.uow() as uow:
        yield uow


InfraDep = Annotated[Infrastructure, Depends(_infra)]
SettingsDep = Annotated[Settings, Depends(_settings)]
StorageDep = Annotated[LocalStorage, Depends(_storage)]
UowDep = Annotated[UnitOfWork, Depends(_uow)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
        description="Repeat a POST safely: the same key and body give the first result.",
    ),
]
