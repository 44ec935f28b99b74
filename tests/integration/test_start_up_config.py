"""A process started without `APP_ENV` is in production: it refuses the built-in secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from shared.infra.entrypoint import EXIT_CONFIG

# Variables that would configure the child: it must see none of them, as on a bare server.
CONFIG_VARIABLES = ("APP_ENV", "AUTH_JWT_SECRET", "FILE_LINK_SECRET", "ENCRYPTION_KEYS")


@pytest.mark.parametrize("module", ["api_gateway", "shared.tools.cli"])
def test_a_missing_app_env_refuses_to_start_with_exit_code_2(module: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARIABLES}
    argv = [sys.executable, "-m", module, *(["migrate"] if module.endswith("cli") else [])]
    # A folder without a `.env`, so nothing but the defaults applies.
    done = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_CONFIG, done.stderr
    assert "APP_ENV=production refuses to start" in done.stderr
    assert "AUTH_JWT_SECRET" in done.stderr
