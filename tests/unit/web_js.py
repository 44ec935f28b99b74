"""A small lexer for the web app's JavaScript, for the unit tests: the string and template literals
(comments and regular expressions skipped), each with its line and the code just before it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# After these, a "/" starts a regular expression rather than a division.
_REGEX_AFTER = set("(,=:[!&|?{};+-*%<>~^") | {""}
_KEYWORDS_BEFORE_REGEX = re.compile(r"(?:return|typeof|case|of|in|void|delete|throw|else)$")
HOLE = "\0"  # where a template literal's ${...} stood


@dataclass(frozen=True)
class Literal:
    line: int
    text: str  # template holes as HOLE
    before: str  # the code on its line up to the literal


class _Lexer:
    def __init__(self, src: str) -> None:
        self.src = src
        self.i = 0
        self.found: list[Literal] = []

    def line(self, at: int) -> int:
        return self.src.count("\n", 0, at) + 1

    def before(self, at: int) -> str:
        return self.src[self.src.rfind("\n", 0, at) + 1 : at]

    def run(self, until_brace: bool = False) -> None:
        src, depth, prev = self.src, 0, ""
        while self.i < len(src):
            c = src[self.i]
            if src.startswith("//", self.i):
                end = src.find("\n", self.i)
                self.i = len(src) if end < 0 else end
            elif src.startswith("/*", self.i):
                self.i = src.index("*/", self.i + 2) + 2
            elif c in "\"'":
                self.string(c)
                prev = "a"
            elif c == "`":
                self.template()
                prev = "a"
            elif c == "/" and (prev in _REGEX_AFTER or _KEYWORDS_BEFORE_REGEX.search(prev)):
                self.regex()
                prev = "a"
            elif c.isspace():
                self.i += 1
            elif c.isalnum() or c in "_$":
                word = re.match(r"[\w$]+", src[self.i :])
                assert word is not None
                prev = word.group(0)
                self.i += len(prev)
            else:
                if until_brace and c == "{":
                    depth += 1
                elif until_brace and c == "}":
                    if depth == 0:
                        self.i += 1
                        return
                    depth -= 1
                prev = c
                self.i += 1

    def string(self, quote: str) -> None:
        start, j = self.i, self.i + 1
        while self.src[j] != quote:
            j += 2 if self.src[j] == "\\" else 1
        self.found.append(Literal(self.line(start), self.src[start + 1 : j], self.before(start)))
        self.i = j + 1

    def template(self) -> None:
        start, j, parts = self.i, self.i + 1, []
        while self.src[j] != "`":
            if self.src[j] == "\\":
                parts.append(self.src[j : j + 2])
                j += 2
            elif self.src.startswith("${", j):
                self.i = j + 2
                self.run(until_brace=True)
                parts.append(HOLE)
                j = self.i
            else:
                parts.append(self.src[j])
                j += 1
        self.found.append(Literal(self.line(start), "".join(parts), self.before(start)))
        self.i = j + 1

    def regex(self) -> None:
        j, in_class = self.i + 1, False
        while True:
            ch = self.src[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "[":
                in_class = True
            elif ch == "]":
                in_class = False
            elif ch == "/" and not in_class:
                break
            j += 1
        self.i = j + 1
        while self.i < len(self.src) and self.src[self.i].isalpha():
            self.i += 1


def literals(src: str) -> Iterator[Literal]:
    lexer = _Lexer(src)
    lexer.run()
    return iter(sorted(lexer.found, key=lambda lit: lit.line))
