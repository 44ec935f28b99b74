"""The web app's language: the order of the sources and the browser's Accept-Language."""

from __future__ import annotations

import pytest
from api_gateway.account.language import LanguageSource, browser_language, resolve_language

from shared.languages import Language, language_of


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("mr-IN,mr;q=0.9,en-US;q=0.8", Language.MR),
        ("en-IN", Language.EN),
        ("fr-FR, hi;q=0.5, mr;q=0.4", Language.HI),
        ("hi;q=0.3, mr;q=0.7", Language.MR),  # the weight decides, not the order
        ("mr;q=0.5, hi;q=0.5", Language.MR),  # a tie keeps the header's order
        ("mr;q=0, en;q=0.1", Language.EN),  # q=0 means "not this one"
        ("mr;q=abc, hi", Language.HI),
        ("fr, de", None),
        ("", None),
        (None, None),
        ("*", None),
    ],
)
def test_browser_language(header: str | None, expected: Language | None) -> None:
    assert browser_language(header) == expected


def test_language_of_tags() -> None:
    assert language_of("mr_IN") == Language.MR
    assert language_of("HI") == Language.HI
    assert language_of("marathi") is None
    assert language_of(None) is None


def test_each_source_wins_over_the_ones_after_it() -> None:
    def resolve(
        saved: Language | None, token: str | None, tenant: str | None, browser: str | None
    ) -> tuple[Language, LanguageSource]:
        return resolve_language(
            saved=saved, token_locale=token, tenant_default=tenant, accept_language=browser
        )

    assert resolve(Language.HI, "mr-IN", "en", "hi") == (Language.HI, LanguageSource.SAVED)
    assert resolve(None, "mr-IN", "en", "hi") == (Language.MR, LanguageSource.TOKEN)
    # A locale we lack ("ta-IN") passes the decision on.
    assert resolve(None, "ta-IN", "en", "hi") == (Language.EN, LanguageSource.TENANT)
    assert resolve(None, "ta-IN", None, "hi") == (Language.HI, LanguageSource.BROWSER)
    assert resolve(None, None, None, "ta") == (Language.EN, LanguageSource.DEFAULT)
