"""Which of the six UN languages a notice is written in, and dates written for it (Babel)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from babel.dates import format_date, format_skeleton

UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
RTL_LANGUAGES = frozenset({"ar"})
DEFAULT_LANGUAGE = "en"


def choose_language(
    working: Iterable[str] | None,
    recipient: str | None = None,
    party: Iterable[str] = (),
) -> str:
    """The review's working language(s) first (the recipient's own, or its party's, when it
    is one of them), else the recipient's language, else the party's, else English."""
    working_langs = [w for w in (working or ()) if w in UN_LANGUAGES]
    party_langs = [p for p in party if p in UN_LANGUAGES]
    if working_langs:
        if recipient in working_langs:
            return recipient  # type: ignore[return-value]
        for lang in party_langs:
            if lang in working_langs:
                return lang
        return working_langs[0]
    if recipient in UN_LANGUAGES:
        return recipient  # type: ignore[return-value]
    if party_langs:
        return party_langs[0]
    return DEFAULT_LANGUAGE


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


@lru_cache(maxsize=8192)  # a sweep writes the same few dates thousands of times
def long_date(day: date, language: str) -> str:
    """16 April 2024 written the way the language writes it."""
    return format_date(day, "long", locale=language)


@lru_cache(maxsize=1024)
def month_year(day: date, language: str) -> str:
    return format_skeleton("yMMMM", day, locale=language)
