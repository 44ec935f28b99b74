"""No screen shows words that are not from the catalogues: a static scan of the web app's
JavaScript (and index.html) for literal text a person would read.

A literal counts as text for people when it holds two words side by side ("Save changes") or
starts with a capitalised word ("Export"). It is code, and passes, when it stands where code
does (a class, a style, a selector, a header, a key name, an IANA zone) or when its line says
why it is not translated with a comment `// i18n: <reason>` (a proper name, the books' own
words). Everything else must come from `t()`. The browser walk in Marathi
(tests/e2e/browser/test_languages.py) checks the rendered pages the same way."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from tests.unit.web_js import HOLE, literals

WEB = Path(__file__).resolve().parents[2] / "services/api-gateway/api_gateway/web"
TWO_WORDS = re.compile(r"[A-Za-z]{2,}[,;:.!?…)]*\s+\(?[A-Za-z]{2,}")
CAPITALISED = re.compile(r"^\s*[A-Z][a-z]+")
IANA_ZONE = re.compile(r"^[A-Z][a-z]+/[A-Za-z_]+$")
# The code just before a literal that makes it code: el()'s class and style, selectors,
# HTTP headers, keyboard keys.
CODE_BEFORE = re.compile(
    r"""(?:\bclass|\bstyle|querySelector(?:All)?|closest|matches|headers\.get|\bheaders\[|"""
    r"""headers:\s*\{|\.key\s*[!=]==)\s*[:(]?\s*$"""
)
REASON = re.compile(r"//\s*i18n:\s*\S")


def untranslated(path: Path) -> list[str]:
    source = path.read_text("utf-8")
    lines = source.split("\n")
    found = []
    for literal in literals(source):
        text = literal.text.replace(HOLE, " ")
        if not (TWO_WORDS.search(text) or CAPITALISED.match(text)):
            continue
        if IANA_ZONE.match(text) or CODE_BEFORE.search(literal.before):
            continue
        if REASON.search(lines[literal.line - 1]):
            continue
        found.append(f"{path.relative_to(WEB)}:{literal.line}: {literal.text!r}")
    return found


def test_the_lexer_finds_text_and_skips_comments_and_regular_expressions() -> None:
    source = (
        'const a = "Save changes"; // "not this"\n'
        '/* "nor this" */ const b = x.replace(/"[a-z]+\'/g, `Sent to ${who.map((w) => "x y")}.`);\n'
    )
    assert sorted((lit.line, lit.text) for lit in literals(source)) == [
        (1, "Save changes"),
        (2, f"Sent to {HOLE}."),
        (2, "x y"),
    ]


def test_no_screen_spells_words_itself() -> None:
    offenders = [line for path in sorted(WEB.rglob("*.js")) for line in untranslated(path)]
    assert not offenders, (
        "words shown to people must come from the catalogues (web/i18n/*.json) through t();"
        " mark code with `// i18n: <reason>`:\n" + "\n".join(offenders)
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skipping += tag in ("script", "style", "title") or ("class", "brand") in attrs

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and tag in ("script", "style", "title", "span"):
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.words.append(data.strip())


def test_the_page_itself_holds_no_words_but_the_brand() -> None:
    page = _Text()
    page.feed((WEB / "index.html").read_text("utf-8"))
    assert page.words == [], (
        f"index.html shows {page.words}: main.js fills them from the catalogues"
    )
