"""An undeclared method is 405 with an `Allow` header naming every method of the path."""

from __future__ import annotations

import pytest

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

from .gateway import gateway_client


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        # A collection served by two routes (GET and POST): both are allowed.
        ("OPTIONS", "/api/v1/exports/jobs", "GET, HEAD, POST"),
        ("DELETE", "/api/v1/schedules", "GET, HEAD, POST"),
        # Not an id: the fixed path's own methods, not a 422 from the id route.
        ("PUT", "/api/v1/party-emails/export", "GET, HEAD"),
        ("PUT", "/api/v1/schedules/preview", "POST"),
    ],
)
async def test_an_undeclared_method_is_405_naming_every_allowed_one(
    infra: Infrastructure, tenant_id: str, method: str, path: str, allowed: str
) -> None:
    headers = auth_header(token_for(infra.settings, tenant_id, "admin"))
    async with gateway_client(infra) as client:
        response = await client.request(method, path, headers=headers)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    assert response.headers["content-type"] == "application/problem+json"


async def test_an_id_that_is_no_uuid_names_no_resource(
    infra: Infrastructure, tenant_id: str
) -> None:
    headers = auth_header(token_for(infra.settings, tenant_id))
    async with gateway_client(infra) as client:
        response = await client.get("/api/v1/schedules/not-a-uuid", headers=headers)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"] == "application/problem+json"
