"""Find, or start privately under var/, the PostgreSQL and Redis a development stack needs.

Helpers for scripts/devstack.py. Every human message goes to stderr; failures raise
`ServerError` whose text says what to do next.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import redis
from pydantic import ValidationError

from shared.infra.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PG_DIR = ROOT / "var" / "pg"
PG_DATA = PG_DIR / "data"
PG_SOCKETS = PG_DIR / "run"
PG_LOG = PG_DIR / "postgres.log"
REDIS_DIR = ROOT / "var" / "redis"
REDIS_PID = REDIS_DIR / "redis.pid"
REDIS_LOG = REDIS_DIR / "redis.log"
PG_PORT = int(os.environ.get("DEVSTACK_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("DEVSTACK_REDIS_PORT", "56379"))


class ServerError(RuntimeError):
    """The stack cannot get a server; the message is the operator's next step."""


def say(message: str) -> None:
    print(f"devstack: {message}", file=sys.stderr, flush=True)


def configured_urls() -> tuple[str, str, set[str]]:
    """DATABASE_URL and REDIS_URL as the services would see them, and which were set explicitly."""
    try:
        settings = Settings()
        return settings.database_url, settings.redis_url, set(settings.model_fields_set)
    except ValidationError:
        # e.g. APP_ENV=production with development secrets: where the servers are still matters.
        fields = Settings.model_fields
        explicit = {k for k in ("database_url", "redis_url") if k.upper() in os.environ}
        return (
            os.environ.get("DATABASE_URL", fields["database_url"].default),
            os.environ.get("REDIS_URL", fields["redis_url"].default),
            explicit,
        )


def _tcp_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1.0):
            return True
    except OSError:
        return False


def _pg_login(url: str) -> None:
    parts = urlsplit(url)
    # asyncpg wants a plain postgresql:// DSN, and the target database may not exist yet.
    dsn = urlunsplit((parts.scheme.split("+")[0], parts.netloc, "/postgres", parts.query, ""))

    async def login() -> None:
        conn = await asyncpg.connect(dsn, timeout=5)
        await conn.close()

    asyncio.run(login())


def _redis_ping(url: str) -> None:
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        client.ping()
    finally:
        client.close()


def probe(kind: str, url: str) -> str | None:
    """None when the server answers, "down" when nothing listens, else why it refused us."""
    parts = urlsplit(url)
    port = parts.port or (5432 if kind == "postgres" else 6379)
    if parts.hostname and not _tcp_open(parts.hostname, port):
        return "down"
    try:
        (_pg_login if kind == "postgres" else _redis_ping)(url)
    except Exception as exc:
        # Without a host it is a unix socket, which "refused" when it simply is not there.
        return f"{type(exc).__name__}: {exc}" if parts.hostname else "down"
    return None


def _wait(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"(no log at {path})"


def install_hint(missing: list[str]) -> str:
    apt = {"PostgreSQL": "postgresql", "Redis": "redis-server"}
    brew = {"PostgreSQL": "postgresql", "Redis": "redis"}
    return (
        "Install the server programs and run again; devstack then starts private servers "
        "under var/:\n"
        f"  Debian/Ubuntu: sudo apt-get install -y {' '.join(apt[m] for m in missing)}\n"
        f"  macOS:         brew install {' '.join(brew[m] for m in missing)}\n"
        "Or point DATABASE_URL / REDIS_URL at servers you already run."
    )


def pg_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres of one installation, newest first."""
    found = shutil.which("pg_ctl")
    candidates = [Path(found).resolve().parent] if found else []
    versions = Path("/usr/lib/postgresql").glob("*/bin")
    candidates += sorted(
        versions, key=lambda p: int("0" + p.parent.name.split(".")[0]), reverse=True
    )
    for directory in candidates:
        if all((directory / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return directory
    return None


def _pg_user() -> pwd.struct_passwd | None:
    """The unprivileged account PostgreSQL runs as when we are root (it refuses to run as root)."""
    if os.geteuid() != 0:
        return None
    if PG_DIR.exists() and PG_DIR.stat().st_uid != 0:
        return pwd.getpwuid(PG_DIR.stat().st_uid)  # keep the owner an earlier run chose
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ServerError("running as root, and no 'postgres' or 'nobody' user to run PostgreSQL as")


def _pg(bindir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    user = _pg_user()
    prefix = ["runuser", "-u", user.pw_name, "--"] if user else []
    if prefix and not shutil.which("runuser"):
        raise ServerError(
            "PostgreSQL refuses to run as root and `runuser` is missing: run as a user"
        )
    return subprocess.run(
        [*prefix, str(bindir / args[0]), *args[1:]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )


def _init_postgres(bindir: Path) -> None:
    say(f"creating a private PostgreSQL cluster in {PG_DATA} (first run only)")
    PG_SOCKETS.mkdir(parents=True, exist_ok=True)
    user = _pg_user()
    if user:
        for path in (PG_DIR, PG_SOCKETS):
            os.chown(path, user.pw_uid, user.pw_gid)
    flags = ["--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-locale"]
    result = _pg(bindir, "initdb", "-D", str(PG_DATA), *flags)
    if result.returncode != 0:
        hint = ""
        if user:
            hint = (
                f"\nPostgreSQL runs as user '{user.pw_name}' here (we are root): every parent "
                f"directory of {PG_DIR} must be searchable by it (chmod o+x), or run as a "
                f"normal user."
            )
        shutil.rmtree(PG_DATA, ignore_errors=True)
        raise ServerError(f"initdb failed:\n{result.stdout}{result.stderr}{hint}")
    # Unix socket paths are limited to ~107 bytes; a deep checkout falls back to TCP only.
    sockets = str(PG_SOCKETS) if len(str(PG_SOCKETS)) < 90 else ""
    with (PG_DATA / "postgresql.conf").open("a") as conf:
        conf.write(
            "\n# Added by scripts/devstack.py: a private, loopback-only development server.\n"
        )
        conf.write("listen_addresses = '127.0.0.1'\n")
        conf.write(f"unix_socket_directories = '{sockets.replace(chr(39), chr(39) * 2)}'\n")


def private_url(kind: str, configured: str) -> str:
    """Where the private server of `kind` listens, keeping the configured database name/index."""
    path = urlsplit(configured).path.rstrip("/")
    if kind == "postgres":
        return f"postgresql+asyncpg://postgres@127.0.0.1:{PG_PORT}{path or '/ledgerpost'}"
    return f"redis://127.0.0.1:{REDIS_PORT}{path or '/0'}"


def installed(kind: str) -> bool:
    return (pg_bindir() if kind == "postgres" else shutil.which("redis-server")) is not None


def private_postgres(url: str) -> str:
    status = probe("postgres", url)
    if status is None:
        say(f"reusing the private PostgreSQL on 127.0.0.1:{PG_PORT} ({PG_DATA})")
        return url
    if status != "down":
        raise ServerError(
            f"port {PG_PORT} is taken by a server that refuses us ({status}); "
            "set DEVSTACK_PG_PORT to a free port"
        )
    bindir = pg_bindir()
    assert bindir is not None, "ensure_servers checks installed() first"
    if not (PG_DATA / "PG_VERSION").exists():
        _init_postgres(bindir)
    say(f"starting the private PostgreSQL on 127.0.0.1:{PG_PORT} (log: {PG_LOG})")
    # The port goes on the command line, not in postgresql.conf, so DEVSTACK_PG_PORT always wins.
    options = ["-D", str(PG_DATA), "-l", str(PG_LOG), "-w", "-t", "60", "-o", f"-p {PG_PORT}"]
    result = _pg(bindir, "pg_ctl", *options, "start")
    if result.returncode != 0 or not _wait(lambda: probe("postgres", url) is None, 15):
        raise ServerError(
            f"the private PostgreSQL did not start. {result.stdout}{result.stderr}"
            f"Last lines of {PG_LOG}:\n{_tail(PG_LOG)}"
        )
    return url


def private_redis(url: str) -> str:
    status = probe("redis", url)
    if status is None:
        say(f"reusing the private Redis on 127.0.0.1:{REDIS_PORT} ({REDIS_DIR})")
        return url
    if status != "down":
        raise ServerError(
            f"port {REDIS_PORT} is taken by a server that refuses us ({status}); "
            "set DEVSTACK_REDIS_PORT to a free port"
        )
    exe = shutil.which("redis-server")
    assert exe is not None, "ensure_servers checks installed() first"
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    say(f"starting the private Redis on 127.0.0.1:{REDIS_PORT} (log: {REDIS_LOG})")
    args = ["--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--dir", str(REDIS_DIR)]
    args += ["--appendonly", "yes", "--daemonize", "yes", "--pidfile", str(REDIS_PID)]
    args += ["--logfile", str(REDIS_LOG)]
    subprocess.run([exe, *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False)
    if not _wait(lambda: probe("redis", url) is None, 15):
        raise ServerError(
            f"the private Redis did not start. Last lines of {REDIS_LOG}:\n{_tail(REDIS_LOG)}"
        )
    return url


def ensure_servers() -> tuple[str, str]:
    """Resolved (DATABASE_URL, REDIS_URL); raises ServerError when neither path works."""
    database_url, redis_url, explicit = configured_urls()
    resolved = {"postgres": database_url, "redis": redis_url}
    names = {"postgres": "PostgreSQL", "redis": "Redis"}
    private: list[str] = []
    for kind, url in list(resolved.items()):
        parts = urlsplit(url)
        where = f"{parts.hostname or 'local socket'}:{parts.port or ''}".rstrip(":")
        status = probe(kind, url)
        if status is None:
            say(f"{names[kind]} answers at {where}")
            continue
        setting = "DATABASE_URL" if kind == "postgres" else "REDIS_URL"
        if status != "down" and setting.lower() in explicit:
            raise ServerError(
                f"{names[kind]} at {where} answers but refuses us: {status}\n"
                f"Fix {setting} (user, password, database) and run again."
            )
        # A default that refuses us is typically a distro server with password auth: go private.
        why = "nothing listens" if status == "down" else f"it refuses the default login: {status}"
        say(f"{names[kind]} not usable at {where} ({why}); using a private server instead")
        resolved[kind] = private_url(kind, url)
        private.append(kind)
    missing = [k for k in private if not installed(k) and probe(k, resolved[k]) is not None]
    if missing:
        raise ServerError(
            f"{' and '.join(names[k] for k in missing)} not reachable, and not installed here.\n"
            + install_hint([names[k] for k in missing])
        )
    for kind in private:
        resolved[kind] = (private_postgres if kind == "postgres" else private_redis)(resolved[kind])
    return resolved["postgres"], resolved["redis"]


def stop_servers() -> None:
    if (PG_DATA / "PG_VERSION").exists() and (bindir := pg_bindir()):
        result = _pg(bindir, "pg_ctl", "-D", str(PG_DATA), "-m", "fast", "-w", "stop")
        running = result.returncode == 0
        say("stopped the private PostgreSQL" if running else "private PostgreSQL was not running")
    else:
        say("no private PostgreSQL in var/pg")
    client = redis.Redis(host="127.0.0.1", port=REDIS_PORT, socket_connect_timeout=2)
    if REDIS_PID.exists() and probe("redis", f"redis://127.0.0.1:{REDIS_PORT}/0") is None:
        client.shutdown()  # saves the append-only file before exiting
        _wait(lambda: not _tcp_open("127.0.0.1", REDIS_PORT), 10)
        say("stopped the private Redis")
    else:
        say("private Redis was not running")
    client.close()
