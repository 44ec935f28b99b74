"""Which language the web app speaks to its user, decided once for the app and the API alike.

In this order: the user's saved choice (`PUT /me`), the token's `locale` claim (the host
application's own language for this user), the tenant's default language (host or admin
setting), the browser's `Accept-Language`; English when none of them names a language we have.
"""

from __future__ import annotations

from enum import StrEnum

from shared.languages import DEFAULT_LANGUAGE, Language, language_of

# An Accept-Language header longer than this is not a browser's: only its start is read.
_MAX_HEADER_CHARS = 512


class LanguageSource(StrEnum):
    SAVED = "saved"
    TOKEN = "token"  # noqa: S105 - the token's locale claim, not a secret
    TENANT = "tenant"
    BROWSER = "browser"
    DEFAULT = "default"


def browser_language(accept_language: str | None) -> Language | None:
    """The most preferred language of an `Accept-Language` header that we speak (RFC 9110
    weights; ties keep the header's order), or None."""
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate((accept_language or "")[:_MAX_HEADER_CHARS].split(",")):
        tag, _, params = part.partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        language = language_of(tag)
        if language is not None and weight > 0:
            ranked.append((-weight, position, language))
    return min(ranked)[2] if ranked else None


def resolve_language(
    *,
    saved: Language | None,
    token_locale: str | None,
    tenant_default: str | None,
    accept_language: str | None,
) -> tuple[Language, LanguageSource]:
    """The app's language and where it came from."""
    candidates = (
        (saved, LanguageSource.SAVED),
        (language_of(token_locale), LanguageSource.TOKEN),
        (language_of(tenant_default), LanguageSource.TENANT),
        (browser_language(accept_language), LanguageSource.BROWSER),
    )
    for language, source in candidates:
        if language is not None:
            return language, source
    return DEFAULT_LANGUAGE, LanguageSource.DEFAULT
