"""The start-up warning about a Python without the email header fix (CVE-2024-6923)."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from shared.infra import entrypoint, python_version
from shared.infra.python_version import unpatched_python_warning


@pytest.mark.parametrize(
    ("version", "fix"),
    [
        ((3, 11, 7), "3.11.10"),
        ((3, 11, 9), "3.11.10"),
        ((3, 12, 4), "3.12.5"),
        ((3, 12, 0), "3.12.5"),
    ],
)
def test_an_unpatched_python_is_named_with_its_fix(version: tuple[int, int, int], fix: str) -> None:
    warning = unpatched_python_warning(version)
    assert warning is not None
    assert f"Python {'.'.join(map(str, version))} " in warning
    assert f"upgrade to {fix} or later" in warning


@pytest.mark.parametrize("version", [(3, 11, 10), (3, 11, 14), (3, 12, 5), (3, 13, 0), (3, 14, 1)])
def test_a_patched_python_gets_no_warning(version: tuple[int, int, int]) -> None:
    assert unpatched_python_warning(version) is None


def test_every_service_start_warns_on_an_unpatched_python(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake_sys = SimpleNamespace(version_info=SimpleNamespace(major=3, minor=11, micro=7))
    monkeypatch.setattr(python_version, "sys", fake_sys)
    monkeypatch.setattr(entrypoint, "configure_logging", lambda *args: None)
    # A missing APP_ENV means production, which refuses the built-in secrets: name one.
    monkeypatch.setenv("APP_ENV", "development")
    with caplog.at_level(logging.WARNING, logger=python_version.__name__):
        entrypoint.load_settings_or_exit("mail-service")
    [record] = caplog.records
    assert "Python 3.11.7 predates the email header fix" in record.getMessage()
