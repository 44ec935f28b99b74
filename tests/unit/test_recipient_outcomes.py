"""Each recipient's status from an attempt's outcome and the bounces read later."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.domain.bounces.recipients import outcomes
from shared.infra.db.models import EmailBounce


def bounce(address: str) -> EmailBounce:
    return EmailBounce(
        tenant_id="t",
        email_id=uuid.uuid4(),
        address=address,
        status_code="5.1.1",
        diagnostic="550 5.1.1 user unknown",
        created_at=datetime(2026, 12, 1, 4, 0, tzinfo=UTC),
    )


def test_a_bounce_overrides_acceptance_and_case_does_not_matter() -> None:
    result = outcomes(
        ["A@Example.in", "gone@example.in"],
        ["cc@example.in"],
        ["hidden@example.in"],
        sent=True,
        refused={"GONE@example.in": "550 5.1.1 no such user"},
        bounces={"a@example.in": bounce("a@example.in")},
    )
    assert [(o.address, o.kind, o.status) for o in result] == [
        ("A@Example.in", "to", "bounced"),
        ("gone@example.in", "to", "refused"),
        ("cc@example.in", "cc", "accepted"),
        ("hidden@example.in", "bcc", "accepted"),
    ]
    assert (result[0].status_code, result[1].status_code) == ("5.1.1", "550")
    assert result[1].diagnostic == "550 5.1.1 no such user"


def test_before_a_send_nobody_has_a_status() -> None:
    result = outcomes(["a@example.in"], [], [], sent=False, refused=None, bounces={})
    assert [o.status for o in result] == [None]


def test_an_attempt_refused_for_everyone_marks_every_recipient_refused() -> None:
    reason = "every recipient was refused (a@example.in: 550 no such user)"
    result = outcomes(
        ["a@example.in"], ["b@example.in"], [], sent=False, refused=None, bounces={},
        everyone_refused=reason,
    )  # fmt: skip
    assert [(o.status, o.diagnostic) for o in result] == [("refused", reason)] * 2
