"""Development stack orchestrator behind `make run` and the server set-up of `make test`.

    python scripts/devstack.py servers       # find or start PostgreSQL + Redis; URLs on stdout
    python scripts/devstack.py stop-servers  # stop the private servers under var/
    python scripts/devstack.py run           # servers, migrate, demo data, then every service

`servers` prints shell-evaluable `DATABASE_URL=...` and `REDIS_URL=...` lines on stdout and
everything else on stderr. Private servers (var/pg, var/redis or var/valkey) outlive `run` so
the next start is fast; `make stop-servers` stops them.

Knobs: DEVSTACK_PG_PORT (55432) and DEVSTACK_REDIS_PORT (56379) for the private servers,
DEVSTACK_DIR (var/) for their data, DEVSTACK_SERVER_PATH (PATH) where to look for their programs,
DEV_SMTP_PORT (1025) for the mail sink, DEVSTACK_READY_TIMEOUT (90 s) for the gateway's /readyz.
Service settings (GATEWAY_PORT, *_HEALTH_PORT, ...) pass through to the children unchanged.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# scripts/ is not a package: make the sibling helpers importable however this file is started.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from devstack_processes import SINK, Console, Stack
from devstack_servers import ROOT, Server, ServerError, ensure_servers, say, stop_servers
from pydantic import ValidationError

from shared.infra.settings import Settings

HERE = Path(__file__).resolve().parent
MAIL_DIR = ROOT / "var" / "mail"
READY_TIMEOUT = float(os.environ.get("DEVSTACK_READY_TIMEOUT", "90"))


def setting(field: str) -> str:
    """What the services will see for `field`: the environment, then .env, then the default."""
    try:
        return str(getattr(Settings(), field))
    except ValidationError:
        return os.environ.get(field.upper(), str(Settings.model_fields[field].default))


def describe_exit(code: int) -> str:
    if code < 0:
        return f"killed by signal {signal.Signals(-code).name}"
    return f"exit code {code}"


def readyz(url: str) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own http URL
            return response.status == 200, f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}: {exc.read(300).decode(errors='replace')}"
    except OSError as exc:
        return False, f"not answering ({exc})"


def mint_token(env: dict[str, str], role: str, sub: str, email: str) -> str:
    argv = ["-m", "shared.tools.cli", "token", "--tenant", "demo", "--role", role]
    argv += ["--sub", sub, "--email", email]
    result = subprocess.run(
        [sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        return f"<token command failed ({result.returncode}): {result.stderr.strip()[-300:]}>"
    return result.stdout.strip()


def where(server: Server) -> str:
    return f"{server.what}{f'; data in {server.data}' if server.data else ''}"


def banner(base: str, env: dict[str, str], smtp_port: str, servers: tuple[Server, Server]) -> str:
    admin = mint_token(env, "admin", "admin@demo", "admin@demo-traders.example")
    user = mint_token(env, "user", "user@demo", "accounts@demo-traders.example")
    rule = "=" * 78
    return f"""
{rule}
 ledgerpost is ready
   Gateway     {base}
   Web app     {base}/  (development sign-in: admin or user of the demo tenant)
   API docs    {base}/docs
   Mail sink   SMTP 127.0.0.1:{smtp_port}; every message is saved under {MAIL_DIR}/
   Database    {env["DATABASE_URL"]}
               {where(servers[0])}
   Redis       {env["REDIS_URL"]}
               {where(servers[1])}

 Admin token (tenant demo, admin@demo):
   {admin}
 User token (tenant demo, user@demo):
   {user}

 Try:
   curl -H "Authorization: Bearer {admin}" {base}/api/v1/exports/jobs

 Ctrl-C stops the services. PostgreSQL/Redis keep running; `make stop-servers` stops private ones.
{rule}
"""


def busy_ports(ports: dict[str, str]) -> list[str]:
    busy = []
    for var, port in ports.items():
        if int(port) == 0:
            continue  # 0 lets the service pick a free port
        try:
            with socket.create_connection(("127.0.0.1", int(port)), timeout=0.5):
                busy.append(f"{port} ({var})")
        except OSError:
            pass
    return busy


def run() -> int:
    try:
        servers = ensure_servers()
    except ServerError as exc:
        say(f"ERROR: {exc}")
        return 1
    smtp_port = os.environ.get("DEV_SMTP_PORT", "1025")
    env = dict(os.environ)
    env.update(
        DATABASE_URL=servers[0].url,
        REDIS_URL=servers[1].url,
        LOG_FORMAT="text",
        PYTHONUNBUFFERED="1",  # children write to a pipe; unbuffered keeps the interleave live
        DEV_SMTP_HOST="127.0.0.1",
        DEV_SMTP_PORT=smtp_port,
    )
    # The development SMTP sink listens on loopback, which tenants may not use by default.
    env.setdefault("SMTP_ALLOWED_PRIVATE_HOSTS", "127.0.0.1,::1,localhost")
    ports = {f: setting(f.lower()) for f in ("GATEWAY_PORT", "EXPORT_HEALTH_PORT")}
    ports |= {f: setting(f.lower()) for f in ("MAIL_HEALTH_PORT", "SCHEDULER_HEALTH_PORT")}
    ports["DEV_SMTP_PORT"] = smtp_port
    # Export workers side by side show the bus sharing work; each gets the next health port.
    export_workers = max(1, int(os.environ.get("EXPORT_WORKERS", "2")))
    extra_exporters = {
        f"export-service-{n}": str(int(ports["EXPORT_HEALTH_PORT"]) + 10 * (n - 1))
        for n in range(2, export_workers + 1)
    }
    ports |= {f"EXPORT_HEALTH_PORT ({name})": port for name, port in extra_exporters.items()}
    if busy := busy_ports(ports):
        say(
            f"ERROR: port(s) already in use: {', '.join(busy)}. Another `make run` still up? "
            "Stop it, or move this stack by setting those variables."
        )
        return 1
    for step in (["migrate"], ["demo-data", "--tenant", "demo", "--rows", "20000", "--if-empty"]):
        say(f"python -m shared.tools.cli {' '.join(step)}")
        code = subprocess.run(
            [sys.executable, "-m", "shared.tools.cli", *step], cwd=ROOT, env=env, check=False
        ).returncode
        if code != 0:
            say(
                f"ERROR: `python -m shared.tools.cli {step[0]}` failed ({describe_exit(code)}); "
                "its output is above."
            )
            return 1

    sink = [str(HERE / "smtp_sink.py"), "--host", "127.0.0.1", "--port", smtp_port]
    services = {
        SINK: [*sink, "--dir", str(MAIL_DIR)],
        "api-gateway": ["-m", "api_gateway"],
        "export-service": ["-m", "export_service"],
        **{name: ["-m", "export_service"] for name in extra_exporters},
        "mail-service": ["-m", "mail_service"],
        "scheduler-service": ["-m", "scheduler_service"],
    }
    console = Console([*services, "devstack"])
    stack = Stack(env, console)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stack.on_signal)
    for name, argv in services.items():
        health_port = extra_exporters.get(name)
        stack.start(name, argv, {"EXPORT_HEALTH_PORT": health_port} if health_port else None)

    host = setting("gateway_host")
    host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 - only compared
    base = f"http://{f'[{host}]' if ':' in host else host}:{setting('gateway_port')}"
    deadline, ready, last = time.monotonic() + READY_TIMEOUT, False, ""
    while not stack.stop_requested.wait(0.3):
        if exited := stack.first_exited():
            name, code = exited
            console.line(
                "devstack", f"{name} exited unexpectedly ({describe_exit(code)}); stopping the rest"
            )
            stack.stop()
            return code if code > 0 else 1
        if not ready:
            ready, last = readyz(f"{base}/readyz")
            if ready:
                console.block(banner(base, env, smtp_port, servers))
            elif time.monotonic() > deadline:
                console.line(
                    "devstack",
                    f"gateway not ready after {READY_TIMEOUT:.0f} s "
                    f"(last /readyz: {last}); stopping",
                )
                stack.stop()
                return 1
    console.line("devstack", "stopping (Ctrl-C again to kill at once)")
    stack.stop()
    console.line("devstack", "all services stopped")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["servers", "stop-servers", "run"])
    args = parser.parse_args()
    os.chdir(ROOT)  # .env, var/ and relative settings mean the same thing from anywhere
    # A missing APP_ENV means production (built-in secrets refused); this stack is for
    # development, with its sign-in buttons. An APP_ENV set in the environment still wins.
    os.environ.setdefault("APP_ENV", "development")
    if args.command == "stop-servers":
        stop_servers()
        return 0
    if args.command == "run":
        try:
            return run()
        except KeyboardInterrupt:
            return 130
    try:
        postgres, redis = ensure_servers()
    except ServerError as exc:
        say(f"ERROR: {exc}")
        return 1
    print(f"DATABASE_URL={shlex.quote(postgres.url)}")
    print(f"REDIS_URL={shlex.quote(redis.url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
