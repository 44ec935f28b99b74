"""Events, state machines, idempotency fingerprints, storage and report names."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.correlation import correlation_id_var
from shared.domain.idempotency import request_fingerprint
from shared.domain.reports import ReportParamError, download_name, validate_params
from shared.events import (
    ExportFinished,
    ExportRequested,
    UnknownEventError,
    decode_event,
    encode_event,
)
from shared.infra.storage import LocalStorage
from shared.states import EXPORT_JOB, InvalidTransitionError, allowed_sources, require_transition


def test_events_round_trip_and_carry_the_correlation_id() -> None:
    token = correlation_id_var.set("req-123")
    try:
        event = ExportFinished(tenant_id="t1", job_id=uuid.uuid4(), status="succeeded")
    finally:
        correlation_id_var.reset(token)
    decoded = decode_event(encode_event(event))
    assert decoded == event
    assert decoded.correlation_id == "req-123"
    assert ExportRequested.stream == "export.requested"


def test_unknown_event_types_are_refused() -> None:
    with pytest.raises(UnknownEventError):
        decode_event({"type": "Nope", "tenant_id": "t"})


def test_export_job_state_machine() -> None:
    require_transition(EXPORT_JOB, "queued", "running")
    with pytest.raises(InvalidTransitionError):
        require_transition(EXPORT_JOB, "succeeded", "running")
    assert allowed_sources(EXPORT_JOB, "succeeded") == ["running"]
    assert allowed_sources(EXPORT_JOB, "failed") == ["queued", "running"]


def test_fingerprint_ignores_key_order() -> None:
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


def test_storage_writes_atomically_and_refuses_escapes(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path)
    key = storage.key_for("t1", uuid.uuid4(), "csv", datetime(2026, 4, 5, tzinfo=UTC))
    assert key.startswith("t1/2026/04/")
    with storage.write_atomically(key) as out:
        out.write(b"hello")
        assert not storage.exists(key)  # nothing visible until the rename
    assert storage.resolve(key).read_bytes() == b"hello"
    assert storage.stored(key, out).size == 5

    failed_key = storage.key_for("t1", uuid.uuid4(), "csv", datetime(2026, 4, 5, tzinfo=UTC))
    with pytest.raises(RuntimeError), storage.write_atomically(failed_key) as out:
        out.write(b"half")
        raise RuntimeError("renderer died")
    assert not storage.exists(failed_key)
    assert list(storage.resolve("t1/2026/04").glob("*.part")) == []

    with pytest.raises(ValueError, match="escapes"):
        storage.resolve("../../etc/passwd")


def test_ledger_params_are_checked_field_by_field() -> None:
    with pytest.raises(ReportParamError) as caught:
        validate_params(
            "ledger", {"ledger": "X", "from_date": "2025-02-01", "to_date": "2025-01-01"}, 365
        )
    assert caught.value.field == "from_date"
    with pytest.raises(ReportParamError) as caught:
        validate_params(
            "ledger", {"ledger": "X", "from_date": "nope", "to_date": "2025-01-01"}, 365
        )
    assert caught.value.field == "from_date"
    with pytest.raises(ReportParamError) as caught:
        validate_params(
            "ledger", {"ledger": "X", "from_date": "2020-01-01", "to_date": "2025-01-01"}, 365
        )
    assert caught.value.field == "to_date"


def test_download_names_are_readable_and_safe() -> None:
    params = {"ledger": "Gupta & Sons / Pune", "from_date": "2025-04-01", "to_date": "2026-03-31"}
    # `&` and `/` are lost: the tag tells this ledger from "Gupta Sons Pune".
    name = download_name("ledger", params, "xlsx", 180)
    assert name.startswith("Ledger_Gupta-Sons-Pune~")
    assert name.endswith("_2025-04-01_2026-03-31.xlsx")
