"""Email templates: text with `{placeholder}` names, checked when saved and filled when sent.

The grammar is small on purpose: `{name}` is a placeholder, `{{` and `}}` are literal braces,
and any other brace is malformed (there are no format specs, attributes or indexes, so a
template can never reach into a value). Filling happens in two steps: the sender fills every
value it knows and keeps the ones named in `keep` (the mail-service alone knows a link's
expiry); the result is again a template, with the braces of the values doubled, so a ledger
named "{link_expiry}" is never mistaken for the placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class TemplateProblem:
    """One reason a template is refused; `code` is stable, `message` is for people."""

    field: str
    code: str
    message: str


class TemplateError(ValueError):
    """A template that cannot be used; `problems` names each field and what is wrong."""

    def __init__(self, problems: list[TemplateProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = problems


def _tokens(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(position, literal text, placeholder name) in order; raises TemplateError (field
    "template") at the first malformed brace."""
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() > position:
            yield position, text[position : match.start()], None
        token, name = match.group(0), match.group(1)
        if token in ("{{", "}}"):
            yield match.start(), token[0], None
        elif name is not None and _NAME.fullmatch(name):
            yield match.start(), "", name
        else:
            shown = token if len(token) <= 40 else token[:37] + "..."
            raise TemplateError(
                [
                    TemplateProblem(
                        "template",
                        "template_placeholder_malformed",
                        f"malformed braces at character {match.start() + 1} ({shown!r}): a "
                        "placeholder is a name in braces such as {ledger}; write {{ and }} "
                        "for literal braces",
                    )
                ]
            )
        position = match.end()
    if position < len(text):
        yield position, text[position:], None


def placeholders_in(text: str) -> list[str]:
    """The placeholder names `text` uses, each once, in order; TemplateError when malformed."""
    return list(dict.fromkeys(name for _, _, name in _tokens(text) if name))


def check_template(field: str, text: str, allowed: Collection[str]) -> list[TemplateProblem]:
    """What is wrong with `text` as the template of `field` ([] when nothing is)."""
    try:
        names = placeholders_in(text)
    except TemplateError as exc:
        return [TemplateProblem(field, p.code, p.message) for p in exc.problems]
    unknown = [name for name in names if name not in allowed]
    if not unknown:
        return []
    return [
        TemplateProblem(
            field,
            "template_placeholder_unknown",
            f"unknown placeholder{'s' if len(unknown) > 1 else ''} "
            + ", ".join("{" + name + "}" for name in unknown)
            + "; this template may use "
            + ", ".join("{" + name + "}" for name in allowed),
        )
    ]


def _escaped(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def render(text: str, values: Mapping[str, str], keep: Collection[str] = ()) -> str:
    """`text` with every placeholder filled from `values`. With `keep`, the named placeholders
    stay and the result is a template (literal braces doubled) for `render` to finish; a
    placeholder neither filled nor kept renders empty (templates are checked when saved)."""
    parts: list[str] = []
    for _, literal, name in _tokens(text):
        if name is None:
            parts.append(_escaped(literal) if keep else literal)
        elif name in keep:
            parts.append("{" + name + "}")
        else:
            value = values.get(name, "")
            parts.append(_escaped(value) if keep else value)
    return "".join(parts)


def as_template(text: str) -> str:
    """Typed text that must read exactly as typed once rendered (its braces doubled)."""
    return _escaped(text)
