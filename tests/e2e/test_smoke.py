"""`deploy/smoke.sh` against the four services started as real processes and the dev SMTP sink.

The script is the deployment smoke checklist (export, SMTP settings and test, ledger email to
the party directory, the internal-only outstanding report, a schedule run); here it runs against
a fresh tenant loaded with demo books, and the sink shows who really received mail.
"""

from __future__ import annotations

import contextlib
import email
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from shared.tools.demo import load_demo_data
from tests.conftest import make_settings
from tests.factories import random_tenant_id, token_for

from .stack import Stack, free_port

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "deploy" / "smoke.sh"
SINK = ROOT / "scripts" / "smtp_sink.py"
SMOKE_TIMEOUT_SECONDS = 300
# The addresses the script sends to, by prefix: test email, directory, outstanding, schedule.
RECIPIENT_PREFIXES = ("smoke-", "party-", "accounts-", "schedule-")


@contextlib.contextmanager
def smtp_sink(mail_dir: Path, log: Path) -> Iterator[int]:
    """`scripts/smtp_sink.py` on a free port, saving into `mail_dir`; yields the port."""
    port = free_port()
    argv = [sys.executable, str(SINK), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*argv, "--dir", str(mail_dir)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise AssertionError(
                    f"the SMTP sink exited with {process.returncode}:\n{log.read_text()}"
                )
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert time.monotonic() < deadline, f"the sink is not listening:\n{log.read_text()}"
            time.sleep(0.1)  # polling a process start-up, bounded by the deadline
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def run_smoke(argv: list[str]) -> tuple[int | None, str]:
    """Run the script in its own process group (killed whole on timeout): (exit code, output)."""
    process = subprocess.Popen(
        argv,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=SMOKE_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        return None, f"{output}\n(killed after {SMOKE_TIMEOUT_SECONDS} s)"
    return process.returncode, output


def envelope_recipients(mail_dir: Path) -> list[str]:
    return [
        recipient
        for path in sorted(mail_dir.glob("*.eml"))
        for recipient in email.message_from_bytes(path.read_bytes()).get_all("X-Envelope-To", [])
    ]


async def test_smoke_script_passes_against_the_stack(
    test_database_url: str, db_dsn: str, tmp_path: Path
) -> None:
    missing = [tool for tool in ("bash", "curl") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"deploy/smoke.sh needs {' and '.join(missing)}, not installed here")
    tenant = random_tenant_id()
    await load_demo_data(db_dsn, tenant_id=tenant, rows=2000)
    settings = make_settings(test_database_url, tmp_path / "exports")
    mail_dir = tmp_path / "mail"
    started = time.monotonic()
    with smtp_sink(mail_dir, tmp_path / "smtp-sink.log") as smtp_port:
        stack = Stack(settings=settings, log_dir=tmp_path)
        stack.start()
        try:
            with httpx.Client(timeout=5) as client:
                stack.wait_ready(client)
            token = token_for(settings, tenant, "admin")
            code, output = run_smoke(
                ["bash", str(SMOKE), stack.gateway_url, token, "127.0.0.1", str(smtp_port)]
            )
        finally:
            stack.stop()
    print(f"{output}(smoke.sh and the stack: {time.monotonic() - started:.1f} s)")

    logs = "\n".join(
        f"--- {name} (last lines)\n{stack.log(name)[-2000:]}" for name in stack.processes
    )
    assert code == 0, f"deploy/smoke.sh exited with {code}:\n{output}\n{logs}"
    assert re.search(r"^smoke: \d+ checks passed$", output, re.MULTILINE), output
    # Every message the script had sent reached the sink, BCC-proof (envelope recipients).
    received = envelope_recipients(mail_dir)
    for prefix in RECIPIENT_PREFIXES:
        assert any(address.startswith(prefix) for address in received), (prefix, received)
