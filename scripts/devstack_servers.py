"""Find, or start privately under var/, the PostgreSQL and Redis a development stack needs.

Helpers for scripts/devstack.py. Every human message goes to stderr; failures raise
`ServerError` whose text says what to do next. Which programs run the private servers
(installed ones, else wheels from PyPI) is scripts/devstack_programs.py's choice.

DEVSTACK_DIR (default var/) holds the private servers' data, so a test can keep its own.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis
from devstack_probe import configured_urls, probe, tail, tcp_open, wait_for
from devstack_programs import (
    ROOT,
    Programs,
    ServerError,
    installed_redis,
    packaged,
    postgres_programs,
    redis_programs,
    say,
)
from redis.backoff import NoBackoff
from redis.retry import Retry

VAR = Path(os.environ.get("DEVSTACK_DIR") or ROOT / "var").resolve()
PG_DIR = VAR / "pg"
PG_DATA = PG_DIR / "data"
PG_SOCKETS = PG_DIR / "run"
PG_LOG = PG_DIR / "postgres.log"
# Valkey's data files are not promised to load in Redis (nor the reverse): one folder each.
REDIS_DIRS = {"Redis": VAR / "redis", "Valkey": VAR / "valkey"}
REDIS_PID = "redis.pid"  # in the data folder; the server removes it when it stops
PG_PORT = int(os.environ.get("DEVSTACK_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("DEVSTACK_REDIS_PORT", "56379"))

__all__ = ["ROOT", "Server", "ServerError", "ensure_servers", "say", "stop_servers"]


@dataclass(frozen=True)
class Server:
    """A server the stack uses: where it answers, what it is, and where its data lives."""

    url: str
    what: str
    data: Path | None = None  # None: not ours (a server that already answered)


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
                f"directory of {PG_DIR} and of its programs ({bindir}) must be searchable by "
                "it (chmod o+x), or run as a normal user."
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


def _cluster_major() -> str | None:
    """The major version of the PostgreSQL that made var/pg's cluster; None before the first."""
    try:
        return (PG_DATA / "PG_VERSION").read_text().strip()
    except OSError:
        return None


def private_postgres(url: str) -> Server:
    status = probe("postgres", url)
    if status is None:
        say(f"reusing the private PostgreSQL on 127.0.0.1:{PG_PORT} ({PG_DATA})")
        try:
            what = postgres_programs(_cluster_major(), install=False).describe()
        except ServerError:  # running, yet its programs are gone: it still serves us
            what = f"PostgreSQL {_cluster_major()}"
        return Server(url, f"private {what}", PG_DATA)
    if status != "down":
        raise ServerError(
            f"port {PG_PORT} is taken by a server that refuses us ({status}); "
            "set DEVSTACK_PG_PORT to a free port"
        )
    programs = postgres_programs(_cluster_major())
    if _cluster_major() is None:
        _init_postgres(programs.path)
    say(f"starting the private PostgreSQL on 127.0.0.1:{PG_PORT} (log: {PG_LOG})")
    # The port goes on the command line, not in postgresql.conf, so DEVSTACK_PG_PORT always wins.
    options = ["-D", str(PG_DATA), "-l", str(PG_LOG), "-w", "-t", "60", "-o", f"-p {PG_PORT}"]
    result = _pg(programs.path, "pg_ctl", *options, "start")
    if result.returncode != 0 or not wait_for(lambda: probe("postgres", url) is None, 15):
        raise ServerError(
            f"the private PostgreSQL did not start. {result.stdout}{result.stderr}"
            f"Last lines of {PG_LOG}:\n{tail(PG_LOG)}"
        )
    return Server(url, f"private {programs.describe()}", PG_DATA)


def _running_redis_dir() -> Path | None:
    """The data folder of the private Redis that wrote a pid file: it was started by us."""
    return next((d for d in REDIS_DIRS.values() if (d / REDIS_PID).exists()), None)


def private_redis(url: str) -> Server:
    status = probe("redis", url)
    if status is None:
        where = _running_redis_dir()
        say(f"reusing the private Redis on 127.0.0.1:{REDIS_PORT} ({where})")
        found = packaged("redis") if where == REDIS_DIRS["Valkey"] else installed_redis()
        return Server(url, f"private {found.describe() if found else 'Redis'}", where)
    if status != "down":
        raise ServerError(
            f"port {REDIS_PORT} is taken by a server that refuses us ({status}); "
            "set DEVSTACK_REDIS_PORT to a free port"
        )
    programs = redis_programs()
    folder = REDIS_DIRS[programs.name]
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "redis.log"
    say(f"starting the private {programs.name} on 127.0.0.1:{REDIS_PORT} (log: {log})")
    args = ["--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--dir", str(folder)]
    args += ["--appendonly", "yes", "--daemonize", "yes", "--pidfile", str(folder / REDIS_PID)]
    args += ["--logfile", str(log)]
    subprocess.run(
        [str(programs.path), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    if not wait_for(lambda: probe("redis", url) is None, 15):
        raise ServerError(
            f"the private {programs.name} did not start. Last lines of {log}:\n{tail(log)}"
        )
    return Server(url, f"private {programs.describe()}", folder)


def ensure_servers() -> tuple[Server, Server]:
    """The PostgreSQL and Redis to use; raises ServerError when no way to get one works."""
    database_url, redis_url, explicit = configured_urls()
    names = {"postgres": "PostgreSQL", "redis": "Redis"}
    servers: dict[str, Server] = {}
    for kind, url in (("postgres", database_url), ("redis", redis_url)):
        parts = urlsplit(url)
        where = f"{parts.hostname or 'local socket'}:{parts.port or ''}".rstrip(":")
        status = probe(kind, url)
        if status is None:
            servers[kind] = Server(url, f"{names[kind]} at {where} (already running)")
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
        start = private_postgres if kind == "postgres" else private_redis
        servers[kind] = start(private_url(kind, url))
    for server in servers.values():
        data = f"; data in {server.data}" if server.data else ""
        say(f"using {server.what}{data}")
    return servers["postgres"], servers["redis"]


def stop_servers() -> None:
    if (major := _cluster_major()) is None:
        say(f"no private PostgreSQL in {PG_DIR}")
    else:
        try:
            programs: Programs | None = postgres_programs(major, install=False)
        except ServerError as exc:
            programs = None
            say(f"cannot stop the private PostgreSQL: {exc}")
        if programs:
            result = _pg(programs.path, "pg_ctl", "-D", str(PG_DATA), "-m", "fast", "-w", "stop")
            running = result.returncode == 0
            say(
                "stopped the private PostgreSQL"
                if running
                else "private PostgreSQL was not running"
            )
    # No retries: the server closing the connection is SHUTDOWN's answer, not a fault to retry
    # (redis-py's default retries spent seconds on it).
    client = redis.Redis(
        host="127.0.0.1", port=REDIS_PORT, socket_connect_timeout=2, retry=Retry(NoBackoff(), 0)
    )
    if _running_redis_dir() and probe("redis", f"redis://127.0.0.1:{REDIS_PORT}/0") is None:
        client.shutdown()  # saves the append-only file before exiting
        wait_for(lambda: not tcp_open("127.0.0.1", REDIS_PORT), 10)
        say("stopped the private Redis")
    else:
        say("private Redis was not running")
    client.close()
