"""The status enums and their machines: complete, final means final, stored and sent as words."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlalchemy.dialects import postgresql

from shared.events import EmailFinished, ExportFinished, decode_event, encode_event
from shared.infra.db.models import Email, EmailAudit, ExportJob, ReportSchedule, ScheduleRun
from shared.infra.db.models.base import StatusColumn
from shared.states import (
    EMAIL,
    EXPORT_JOB,
    FINAL_EMAIL_STATES,
    FINAL_EXPORT_STATES,
    FINAL_RUN_STATES,
    SCHEDULE_RUN,
    AuditStatus,
    EmailStatus,
    ExportStatus,
    InvalidTransitionError,
    RunStatus,
    allowed_sources,
    require_transition,
)
from shared.status_groups import STATUS_GROUPS

WEB_DIR = Path(__file__).resolve().parents[2] / "services/api-gateway/api_gateway/web"

# The one move out of a final state: the work is over, only the file's time to live runs out.
HOUSEKEEPING = {(ExportStatus.SUCCEEDED, ExportStatus.EXPIRED)}

MACHINES: list[tuple[type[StrEnum], Mapping[StrEnum, frozenset[StrEnum]], frozenset[StrEnum]]] = [
    (ExportStatus, EXPORT_JOB, FINAL_EXPORT_STATES),
    (EmailStatus, EMAIL, FINAL_EMAIL_STATES),
    (RunStatus, SCHEDULE_RUN, FINAL_RUN_STATES),
]


@pytest.mark.parametrize(("statuses", "machine", "final"), MACHINES)
def test_each_machine_covers_every_status_and_final_states_lead_nowhere(
    statuses: type[StrEnum],
    machine: Mapping[StrEnum, frozenset[StrEnum]],
    final: frozenset[StrEnum],
) -> None:
    assert set(machine) == set(statuses)
    for nexts in machine.values():
        assert nexts <= set(statuses)
    assert final <= set(statuses)
    for state in final:
        outgoing = {(state, target) for target in machine[state]}
        assert outgoing <= HOUSEKEEPING, f"{state} is final but has transitions"
    # and every state that leads nowhere is final: nothing gets stuck unfinished
    assert {state for state, nexts in machine.items() if not nexts} <= final


def test_statuses_are_their_words() -> None:
    assert ExportStatus.SUCCEEDED == "succeeded"
    assert f"{RunStatus.MISSED}" == "missed"
    require_transition(EMAIL, EmailStatus.QUEUED, EmailStatus.SENDING)
    with pytest.raises(InvalidTransitionError):
        require_transition(EMAIL, EmailStatus.SENT, EmailStatus.QUEUED)
    assert allowed_sources(SCHEDULE_RUN, RunStatus.EXPORTING) == ["pending", "retrying"]


def test_status_groups_partition_each_kind() -> None:
    for kind, groups in STATUS_GROUPS.items():
        members = set(groups.statuses)
        assert groups.final <= members, kind
        assert groups.good | groups.bad <= groups.final, kind
        assert not groups.good & groups.bad, kind
        assert groups.active == members - groups.final, kind
    assert STATUS_GROUPS["run"].final == FINAL_RUN_STATES
    assert STATUS_GROUPS["audit"].active == {AuditStatus.SENDING}


def test_status_columns_store_the_plain_word_and_refuse_others() -> None:
    column = StatusColumn(ExportStatus)
    dialect = postgresql.dialect()
    assert column.process_bind_param(ExportStatus.RUNNING, dialect) == "running"
    assert column.process_bind_param("running", dialect) == "running"
    assert column.process_result_value("expired", dialect) is ExportStatus.EXPIRED
    assert column.process_bind_param(None, dialect) is None
    with pytest.raises(ValueError, match="'sent' is not a valid ExportStatus"):
        column.process_bind_param("sent", dialect)


@pytest.mark.parametrize(
    ("column", "statuses"),
    [
        (ExportJob.status, ExportStatus),
        (Email.status, EmailStatus),
        (EmailAudit.status, AuditStatus),
        (ScheduleRun.status, RunStatus),
        (ReportSchedule.last_run_status, RunStatus),
    ],
)
def test_status_columns_stay_varchar_16(column: object, statuses: type[StrEnum]) -> None:
    """No database enum: the schema is the one the migrations created."""
    column_type = column.type
    assert isinstance(column_type, StatusColumn) and column_type.statuses is statuses
    assert column_type.impl.compile(dialect=postgresql.dialect()) == "VARCHAR(16)"


def test_events_carry_the_plain_word_and_read_back_the_enum() -> None:
    event = EmailFinished(tenant_id="t", email_id=uuid.uuid4(), status=EmailStatus.REJECTED)
    wire = encode_event(event)
    assert wire["status"] == "rejected" and type(wire["status"]) is str
    decoded = decode_event({**encode_event(event), "status": "sent"})
    assert isinstance(decoded, EmailFinished) and decoded.status is EmailStatus.SENT
    with pytest.raises(ValidationError, match="status"):  # only final states are announced
        ExportFinished(tenant_id="t", job_id=uuid.uuid4(), status="running")


def test_the_web_app_spells_no_status_itself() -> None:
    """Screens read statuses and their groups from /app/states.js (made from shared.states)."""
    words = {status.value for groups in STATUS_GROUPS.values() for status in groups.statuses}
    quoted = re.compile(r"""["'`](""" + "|".join(sorted(words)) + r""")["'`]""")
    offenders = [
        f"{path.relative_to(WEB_DIR)}:{number}: {line.strip()}"
        for path in sorted(WEB_DIR.rglob("*.js"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if quoted.search(line)
    ]
    assert offenders == []
