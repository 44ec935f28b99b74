"""The OpenAPI document lists every problem an operation can answer, as problem documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_gateway.app import create_app

from tests.conftest import make_settings

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    # Building the document reads no database: any URL will do.
    settings = make_settings("postgresql+asyncpg://nobody@127.0.0.1:1/none", Path("/nonexistent"))
    return create_app(settings).openapi()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    ]


def test_every_error_is_a_problem_document(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")) and path != "/readyz":
                assert response["content"] == PROBLEM, (method, path, status)
    assert "Problem" in document["components"]["schemas"]
    assert "HTTPValidationError" not in document["components"]["schemas"]


def test_the_shared_problems_follow_from_what_the_route_is(document: dict[str, Any]) -> None:
    for path, method, operation in _operations(document):
        statuses = set(operation["responses"])
        if operation.get("security"):
            assert {"401", "403"} <= statuses, (method, path)
        if operation.get("requestBody"):
            assert {"400", "413", "422"} <= statuses, (method, path)
        if operation.get("parameters"):
            assert "422" in statuses, (method, path)
        if path.startswith("/api/"):
            assert "503" in statuses, (method, path)


def test_a_routes_own_problems_are_listed(document: dict[str, Any]) -> None:
    job = document["paths"]["/api/v1/exports/jobs/{job_id}/download"]["get"]["responses"]
    assert {"200", "304", "404", "409", "410"} <= set(job)
    assert set(job["200"]["content"]) == {
        "text/csv",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    run = document["paths"]["/api/v1/schedules/{schedule_id}/run"]["post"]["responses"]
    assert {"404", "409", "429"} <= set(run)


def test_ids_in_paths_are_uuids_and_cursors_have_their_form(document: dict[str, Any]) -> None:
    assert not [path for path in document["paths"] if ":" in path]
    read = document["paths"]["/api/v1/schedules/{schedule_id}"]["get"]
    [schedule_id] = [p for p in read["parameters"] if p["name"] == "schedule_id"]
    assert schedule_id["schema"]["format"] == "uuid"
    listing = document["paths"]["/api/v1/exports/jobs"]["get"]
    [cursor] = [p for p in listing["parameters"] if p["name"] == "cursor"]
    assert "pattern" in str(cursor["schema"])
