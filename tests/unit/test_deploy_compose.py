"""deploy/docker-compose.yml and deploy/Dockerfile agree with the code they deploy."""

from __future__ import annotations

import importlib.util
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.infra.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
APP_SERVICES = ("api-gateway", "export-service", "mail-service", "scheduler-service")
# The port each app service's /readyz answers on, by the setting that chooses it.
PORT_SETTING = {
    "api-gateway": "GATEWAY_PORT",
    "export-service": "EXPORT_HEALTH_PORT",
    "mail-service": "MAIL_HEALTH_PORT",
    "scheduler-service": "SCHEDULER_HEALTH_PORT",
}
# Environment variables the app containers may get although no Settings field reads them.
# Empty on purpose: a name missing from Settings is usually a typo that silently does nothing.
NOT_SETTINGS: frozenset[str] = frozenset()
ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - containers must listen beyond their own loopback


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    result: dict[str, Any] = compose["services"]
    return result


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def _argv(value: str | list[str]) -> list[str]:
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def test_expected_services_exist(services: dict[str, Any]) -> None:
    expected = {*APP_SERVICES, "postgres", "redis", "mailpit", "migrate"}
    assert expected <= set(services), f"missing: {sorted(expected - set(services))}"


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_command_names_an_existing_module(services: dict[str, Any], name: str) -> None:
    argv = _argv(services[name]["command"])
    assert "-m" in argv, f"{name}: command {argv} does not run a module with -m"
    module = argv[argv.index("-m") + 1]
    assert importlib.util.find_spec(module) is not None, f"{name}: no module {module!r}"


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_environment_names_are_settings(services: dict[str, Any], name: str) -> None:
    fields = {field.upper() for field in Settings.model_fields}
    unknown = set(_environment(services[name])) - fields - NOT_SETTINGS
    assert not unknown, f"{name}: not fields of shared.infra.settings.Settings: {sorted(unknown)}"


def test_production_settings_and_secrets_are_required(services: dict[str, Any]) -> None:
    for name in (*APP_SERVICES, "migrate"):
        env = _environment(services[name])
        assert env["APP_ENV"] == "production", name
        for secret in ("AUTH_JWT_SECRET", "ENCRYPTION_KEYS"):
            assert env[secret].startswith(f"${{{secret}:?"), f"{name}: {secret} must be required"


def test_redis_keeps_an_append_only_file(services: dict[str, Any]) -> None:
    argv = _argv(services["redis"]["command"])
    assert "--appendonly" in argv
    assert argv[argv.index("--appendonly") + 1] == "yes"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_healthcheck_hits_its_readyz(services: dict[str, Any], name: str) -> None:
    service = services[name]
    assert "healthcheck" in service, f"{name} has no healthcheck"
    probe = " ".join(_argv(service["healthcheck"]["test"]))
    setting = PORT_SETTING[name]
    port = _environment(service).get(setting, str(Settings.model_fields[setting.lower()].default))
    assert f":{port}/readyz" in probe, f"{name}: healthcheck {probe!r} misses :{port}/readyz"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_listens_on_all_interfaces(services: dict[str, Any], name: str) -> None:
    host = "GATEWAY_HOST" if name == "api-gateway" else "HEALTH_HOST"
    assert _environment(services[name]).get(host) == ALL_INTERFACES, f"{name}: {host}"


@pytest.mark.parametrize("name", ["api-gateway", "export-service", "mail-service"])
def test_exports_volume_is_shared(services: dict[str, Any], name: str) -> None:
    export_dir = _environment(services[name])["EXPORT_DIR"]
    mounts = [str(v) for v in services[name].get("volumes", [])]
    assert f"exports:{export_dir}" in mounts, f"{name}: exports volume not at {export_dir}"


def test_dockerfile_final_user_is_not_root() -> None:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    instructions = [line.split(None, 1) for line in text.splitlines() if line.strip()]
    instructions = [i for i in instructions if not i[0].startswith("#")]
    last_from = max(n for n, i in enumerate(instructions) if i[0].upper() == "FROM")
    users = [i[1].strip() for i in instructions[last_from:] if i[0].upper() == "USER"]
    assert users, "the final stage never sets USER, so it runs as root"
    assert users[-1].split(":")[0] not in {"root", "0"}, f"final USER is {users[-1]}"
