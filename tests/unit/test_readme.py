"""The README documents every setting: a new environment variable without a line fails here."""

from __future__ import annotations

from pathlib import Path

from shared.infra.settings import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text()
    missing = [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in text]
    assert missing == [], f"document these in README.md's Configuration table: {missing}"
