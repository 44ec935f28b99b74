"""The four services started as real processes against the test database and Redis.

`export_workers=N` starts N export-service processes (each with its own health port, named
"export-service", "export-service-2", ...): they share the consumer group, as replicas do.
`extra_env` adds or overrides environment variables of every process.
`export_ledger_csv` drives the thin pipeline through a running stack: one export, downloaded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx

from shared.infra.runtime import Infrastructure
from shared.infra.settings import Settings
from tests.factories import auth_header, create_ledger, create_tenant, token_for

SERVICES = {
    "api-gateway": ("api_gateway", "GATEWAY_PORT"),
    "export-service": ("export_service", "EXPORT_HEALTH_PORT"),
    "mail-service": ("mail_service", "MAIL_HEALTH_PORT"),
    "scheduler-service": ("scheduler_service", "SCHEDULER_HEALTH_PORT"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Stack:
    settings: Settings
    log_dir: Path
    export_workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def instances(self) -> list[tuple[str, str, str]]:
        """Every process to run: (name, module, the variable holding its port)."""
        out = []
        for service, (module, port_var) in SERVICES.items():
            copies = self.export_workers if service == "export-service" else 1
            out += [
                (service if i == 0 else f"{service}-{i + 1}", module, port_var)
                for i in range(copies)
            ]
        return out

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['api-gateway']}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def environment(self) -> dict[str, str]:
        s = self.settings
        env = {
            **os.environ,
            "APP_ENV": "test",
            "DATABASE_URL": s.database_url,
            "REDIS_URL": s.redis_url,
            "AUTH_JWT_SECRET": s.auth_jwt_secret,
            "FILE_LINK_SECRET": s.file_link_secret,
            "ENCRYPTION_KEYS": s.encryption_keys,
            "EXPORT_DIR": str(s.export_dir),
            "BUS_STREAM_PREFIX": s.bus_stream_prefix or f"e2e-{uuid.uuid4().hex[:6]}:",
            "BUS_BLOCK_MS": "200",
            "OUTBOX_POLL_SECONDS": "1",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "INFO",
            # The tests' SMTP sinks listen on loopback, which tenants may not use by default.
            "SMTP_ALLOWED_PRIVATE_HOSTS": "127.0.0.1,::1",
            **self.extra_env,
        }
        for service, (_, port_var) in SERVICES.items():
            env[port_var] = str(self.ports[service])
        return env

    def start(self) -> None:
        self.ports = {name: free_port() for name, _, _ in self.instances()}
        for name, _, _ in self.instances():
            self._spawn(name, "wb")

    def kill(self, name: str) -> None:
        """SIGKILL one process (no clean-up of any kind: a crash, an OOM kill)."""
        process = self.processes[name]
        process.kill()
        process.wait()

    def restart(self, name: str) -> None:
        """Start one process again after it stopped; its log goes on in the same file."""
        self._spawn(name, "ab")

    def _spawn(self, name: str, log_mode: str) -> None:
        module, port_var = next((m, v) for n, m, v in self.instances() if n == name)
        env = self.environment()
        with (self.log_dir / f"{name}.log").open(log_mode) as log:
            # The child keeps its own copy of the descriptor; ours can close at once.
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", module],
                env={**env, port_var: str(self.ports[name])},
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, client: httpx.Client, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        pending = set(self.processes)
        while pending:
            for service in sorted(pending):
                self._check_alive(service)
                try:
                    if client.get(f"{self.url(service)}/readyz").status_code == 200:
                        pending.discard(service)
                except httpx.TransportError:
                    pass
            if pending and time.monotonic() > deadline:
                raise AssertionError(f"not ready after {timeout}s: {sorted(pending)}; see logs")
            if pending:
                time.sleep(0.1)  # polling a process start-up, bounded by the deadline

    def _check_alive(self, service: str) -> None:
        code = self.processes[service].poll()
        if code is not None:
            log = (self.log_dir / f"{service}.log").read_text()[-3000:]
            raise AssertionError(f"{service} exited with {code}:\n{log}")

    def stop(self, timeout: float = 15.0) -> dict[str, int | None]:
        """SIGTERM every service and return their exit codes (None: had to be killed)."""
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes: dict[str, int | None] = {}
        for service, process in self.processes.items():
            try:
                codes[service] = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                codes[service] = None
        return codes

    def log(self, service: str) -> str:
        return (self.log_dir / f"{service}.log").read_text()


async def export_ledger_csv(stack: Stack, correlation_id: str) -> httpx.Response:
    """A new tenant's one-entry ledger exported as CSV over HTTP; the download's response."""
    infra = await Infrastructure.connect(stack.settings)
    try:
        tenant = await create_tenant(infra.uow())
        ledger = await create_ledger(
            infra.uow(), tenant, entries=[(date(2025, 4, 2), Decimal("42.00"), Decimal("0"))]
        )
    finally:
        await infra.close()
    headers = {**auth_header(token_for(stack.settings, tenant)), "X-Correlation-ID": correlation_id}
    body = {
        "report": "ledger",
        "format": "csv",
        "params": {"ledger": ledger, "from_date": "2025-04-01", "to_date": "2025-04-30"},
    }
    async with httpx.AsyncClient(base_url=stack.gateway_url, timeout=10) as client:
        created = await client.post("/api/v1/exports/jobs", json=body, headers=headers)
        assert created.status_code == 202, created.text
        job_url = created.headers["location"]

        deadline = time.monotonic() + 30
        job = created.json()
        while job["status"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"job still {job['status']}"
            job = (await client.get(job_url, headers=headers)).json()
        assert job["status"] == "succeeded", job

        return await client.get(job["download_url"], headers=headers)
