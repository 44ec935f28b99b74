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
