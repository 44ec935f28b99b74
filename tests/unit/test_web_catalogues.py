"""The web app's catalogues (web/i18n/{en,mr,hi}.json): the same keys and placeholders in every
language, real Marathi and Hindi rather than English copies, a word for every status, and
every key the app's code asks for present."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from api_gateway.spa.routes import status_groups

from shared.languages import Language

WEB = Path(__file__).resolve().parents[2] / "services/api-gateway/api_gateway/web"
LANGUAGES = [language.value for language in Language]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
# Terms of trade written in English in Marathi and Hindi books too; a translation made only of
# these (and digits, punctuation, placeholders) may equal the English text.
TERMS_OF_TRADE = {
    "cc", "bcc", "pdf", "csv", "xlsx", "excel", "gstin", "pan", "smtp", "starttls", "ssl", "tls",
    "mb", "kb", "id", "ledgerpost", "tally", "xml", "utf", "json", "cron", "iana", "dns", "ip",
    "reply", "to", "ms", "s",
}  # fmt: skip
DEVANAGARI = re.compile(r"[\u0900-\u097F]")
LATIN_WORD = re.compile(r"[A-Za-z]+")


def catalogue(language: str) -> dict[str, str]:
    loaded: dict[str, str] = json.loads((WEB / "i18n" / f"{language}.json").read_text("utf-8"))
    return loaded


@pytest.fixture(scope="module")
def catalogues() -> dict[str, dict[str, str]]:
    return {language: catalogue(language) for language in LANGUAGES}


def test_every_catalogue_has_exactly_the_same_keys(catalogues: dict[str, dict[str, str]]) -> None:
    english = set(catalogues["en"])
    for language, texts in catalogues.items():
        assert not english - set(texts), f"{language}.json lacks {sorted(english - set(texts))}"
        assert not set(texts) - english, f"{language}.json has extra {sorted(set(texts) - english)}"


def test_every_translation_keeps_the_placeholders(catalogues: dict[str, dict[str, str]]) -> None:
    for key, english in catalogues["en"].items():
        wanted = sorted(PLACEHOLDER.findall(english))
        for language in LANGUAGES:
            text = catalogues[language][key]
            assert isinstance(text, str) and text.strip(), f"{language}.json: {key} is empty"
            assert sorted(PLACEHOLDER.findall(text)) == wanted, f"{language}.json: {key}: {text!r}"


def test_marathi_and_hindi_are_written_in_devanagari(
    catalogues: dict[str, dict[str, str]],
) -> None:
    """Not English left in place: a text with words beyond the terms of trade is Devanagari."""
    for key, english in catalogues["en"].items():
        words = {w.lower() for w in LATIN_WORD.findall(PLACEHOLDER.sub("", english))}
        if words <= TERMS_OF_TRADE:
            continue
        for language in ("mr", "hi"):
            text = catalogues[language][key]
            assert DEVANAGARI.search(text), f"{language}.json: {key} is not translated: {text!r}"


def test_plural_forms_come_in_pairs(catalogues: dict[str, dict[str, str]]) -> None:
    for key in catalogues["en"]:
        if key.endswith(".one"):
            assert key.removesuffix(".one") + ".other" in catalogues["en"], key


def test_every_status_has_a_word(catalogues: dict[str, dict[str, str]]) -> None:
    statuses = {word for kind in status_groups().values() for word in kind["statuses"].values()}  # type: ignore[attr-defined]
    missing = sorted(s for s in statuses if f"status.{s}" not in catalogues["en"])
    assert not missing, f"statuses without a word in the catalogues: {missing}"


# t("key"), t("key", {...}), tn? — only literal keys: keys built at run time ("status.${s}") are
# covered by their own tests (statuses above).
_T_CALL = re.compile(r"""\b(?:t|phrase)\(\s*["']([\w.]+)["']""")


def test_every_key_the_app_asks_for_exists(catalogues: dict[str, dict[str, str]]) -> None:
    english = catalogues["en"]
    missing = []
    for path in sorted(WEB.rglob("*.js")):
        for key in _T_CALL.findall(path.read_text("utf-8")):
            plural = f"{key}.other" in english and f"{key}.one" in english
            if key not in english and not plural:
                missing.append(f"{path.relative_to(WEB)}: {key}")
    assert not missing, "keys missing from the catalogues:\n" + "\n".join(missing)


# Where the server names a refusal's stable code: `code="..."`, pydantic's custom errors and the
# domain's own error types; plus the code every problem without its own gets from its status.
_CODE_SITES = (
    re.compile(r"""\bcode\s*=\s*"([a-z]+(?:_[a-z]+)*)\""""),
    re.compile(r"""\b(?:PydanticCustomError|TaxIdError|AgeingEdgesError)\(\s*"([a-z_]+)\""""),
    re.compile(r"""\bTemplateProblem\(\s*(?:"[a-z_.]+"|[a-z_.]+),\s*"([a-z_]+)\""""),
)
ROOT = Path(__file__).resolve().parents[2]


def server_codes() -> set[str]:
    from api_gateway.http.problems import _STATUS_CODES

    codes = set(_STATUS_CODES.values())
    for folder in ("shared", "services/api-gateway/api_gateway"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text("utf-8")
            for pattern in _CODE_SITES:
                codes.update(pattern.findall(text))
    return codes


def test_every_code_the_server_gives_has_words(catalogues: dict[str, dict[str, str]]) -> None:
    """The app shows a refusal by its code: a code without `error.<code>` would show Marathi
    and Hindi users the server's English."""
    codes = server_codes()
    assert {"not_found", "external_recipients", "gstin_pan_mismatch", "template_empty"} <= codes
    missing = sorted(code for code in codes if f"error.{code}" not in catalogues["en"])
    assert not missing, f"codes without words in the catalogues: {missing}"


# Words an accountant reading Marathi or Hindi would stumble on, each with the word the
# catalogues use instead: a calque of the English "run" and a second word for "party" beside
# the पार्टी of the party directory. A word is matched from its start, so inflected forms
# (धावेचे, पक्षकारों) are caught too; रन only whole (करने, वरना are other words).
WORDS_NOT_USED = {
    "hi": {
        "रन": "a schedule's run is निष्पादन (the next one: अगली बार); a statement run is प्रेषण",
        "रनों": "निष्पादनों",
        "पक्षकार*": "पार्टी, as in पार्टी सूची",
    },
    "mr": {
        "धाव*": "a schedule's run is फेरी (the next one: पुढील वेळ); a statement run is पाठवणी",
        "पक्षकार*": "पार्टी, as in पार्टी यादी",
    },
}
WORD = re.compile(r"[\w\u0900-\u097F]+")


@pytest.mark.parametrize("language", sorted(WORDS_NOT_USED))
def test_one_word_for_each_thing(catalogues: dict[str, dict[str, str]], language: str) -> None:
    found = []
    for key, text in catalogues[language].items():
        for word in WORD.findall(text):
            for banned, instead in WORDS_NOT_USED[language].items():
                stem = banned.removesuffix("*")
                if word == banned or (banned.endswith("*") and word.startswith(stem)):
                    found.append(f"{key}: {word!r} (say {instead})")
    assert not found, f"{language}.json:\n" + "\n".join(found)
