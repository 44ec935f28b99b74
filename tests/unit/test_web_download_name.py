"""The web app saves a download under `filename*` (the name in its own script), not the ASCII
fallback: `dispositionName` from web/api.js, run by Node on headers the gateway writes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from shared.domain.file_names import content_disposition

API_JS = Path(__file__).resolve().parents[2] / "services/api-gateway/api_gateway/web/api.js"
NODE = shutil.which("node")


def _names(headers: list[str]) -> list[str]:
    assert NODE is not None
    script = (
        f"import {{ dispositionName }} from {json.dumps(API_JS.as_uri())};\n"
        f"console.log(JSON.stringify({json.dumps(headers)}.map(dispositionName)));"
    )
    done = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    names: list[str] = json.loads(done.stdout)
    return names


@pytest.mark.skipif(NODE is None, reason="needs Node.js to run the web app's module")
def test_the_web_app_prefers_filename_star() -> None:
    name = "Ledger_श्री-गणेश-ट्रेडर्स~759c02_2026-04-01_2026-12-04.pdf"
    headers = [
        content_disposition(name),
        'attachment; filename="party-emails.csv"',
        "attachment; filename*=UTF-8''%E0%A4%; filename=\"fallback.csv\"",  # a broken escape
        "",
    ]
    assert _names(headers) == [name, "party-emails.csv", "fallback.csv", ""]
