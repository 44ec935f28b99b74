"""The web app's statuses: `/app/states.js`, generated from `shared.states`."""

from __future__ import annotations

import json
from typing import Any

from shared.infra.runtime import Infrastructure
from shared.status_groups import STATUS_GROUPS

from .gateway import gateway_client

PREFIX = "export const STATES = Object.freeze("


def _states(body: str) -> Any:
    """The module's one export, read back as the JSON it embeds."""
    comment, found, rest = body.partition(PREFIX)
    assert found and comment.startswith("// Generated")
    return json.loads(rest.rstrip().removesuffix(");"))


async def test_the_app_gets_every_status_and_its_groups_without_signing_in(
    infra: Infrastructure,
) -> None:
    async with gateway_client(infra) as client:
        response = await client.get("/app/states.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    states = _states(response.text)
    assert (
        set(states)
        == set(STATUS_GROUPS)
        == {
            "export",
            "email",
            "run",
            "audit",
            "statement_run",
            "statement_item",
            "import",
            "confirmation",
            "recipient",
            "email_test",
        }
    )
    for kind, groups in STATUS_GROUPS.items():
        assert states[kind]["statuses"] == {s.name: s.value for s in groups.statuses}
    # the words and groups the screens rely on, as the API sends them
    assert states["export"]["active"] == ["queued", "running"]
    assert states["export"]["good"] == ["succeeded"]
    assert states["export"]["bad"] == ["failed", "expired"]
    assert states["email"]["final"] == ["sent", "failed", "rejected"]
    assert states["email"]["bad"] == ["failed", "rejected"]
    assert states["run"]["active"] == ["pending", "exporting", "sending", "retrying"]
    assert states["run"]["bad"] == ["failed", "missed"]
    assert states["audit"]["statuses"]["RETRYING"] == "retrying"
    assert states["email_test"]["statuses"]["PENDING"] == "pending"
    assert states["statement_item"]["active"] == ["queued", "sending"]
    assert states["statement_item"]["bad"] == ["failed", "bounced"]


async def test_the_other_app_files_are_still_served_from_disk(infra: Infrastructure) -> None:
    async with gateway_client(infra) as client:
        response = await client.get("/app/screens/audit.js")
    assert response.status_code == 200
    assert 'from "/app/states.js"' in response.text
