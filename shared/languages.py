"""The languages a report email and a document's fixed labels can be written in.

A party directory entry names its party's language; a statement sent to that party is
written in it. English is the default: for parties without an entry and for internal reports.
"""

from __future__ import annotations

from enum import StrEnum


class Language(StrEnum):
    EN = "en"
    MR = "mr"  # Marathi
    HI = "hi"  # Hindi


DEFAULT_LANGUAGE = Language.EN

# Each language in its own script, as a picker shows it.
LANGUAGE_NAMES = {Language.EN: "English", Language.MR: "मराठी", Language.HI: "हिन्दी"}


def language_of(tag: str | None) -> Language | None:
    """The language a BCP 47 tag names ("mr-IN" -> Marathi), or None for one we do not speak."""
    primary = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    try:
        return Language(primary)
    except ValueError:
        return None
