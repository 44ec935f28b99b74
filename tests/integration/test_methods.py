"""An undeclared method is 405 with an `Allow` header naming every method of the path."""

from __future__ import annotations

import logging
import uuid

import pytest

from shared.infra.runtime import Infrastructure
from tests.factories import auth_header, token_for

from .gateway import gateway_client


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        # A collection served by two routes (GET and POST): both are allowed.
        ("OPTIONS", "/api/v1/exports/jobs", "GET, POST"),
        ("DELETE", "/api/v1/schedules", "GET, POST"),
        # Not an id: the fixed path's own methods, not a 422 from the id route.
        ("PUT", "/api/v1/party-emails/export", "GET"),
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


async def test_logs_name_the_route_as_the_document_does(
    infra: Infrastructure, tenant_id: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The UUID convertor of the route stays out of logs and metrics labels."""
    headers = auth_header(token_for(infra.settings, tenant_id))
    caplog.set_level(logging.INFO, logger="api_gateway.access")
    async with gateway_client(infra) as client:
        await client.get(f"/api/v1/schedules/{uuid.uuid4()}", headers=headers)
    routes = [getattr(r, "route", None) for r in caplog.records if r.name == "api_gateway.access"]
    assert routes == ["/api/v1/schedules/{schedule_id}"]
