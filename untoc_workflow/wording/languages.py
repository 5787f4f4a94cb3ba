"""Which of the six UN languages a notice is written in, and dates written for it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..languages import RTL_LANGUAGES, UN_LANGUAGES

DEFAULT_LANGUAGE = "en"


def choose_language(
    working: Iterable[str] | None,
    recipient: str | None = None,
    party: Iterable[str] = (),
) -> str:
    """The recipient's own language first (what a person recorded as their language wins
    over the review's, issue 10), else the review's working language(s) (its party's
    when it is one of them), else the party's, else English."""
    if recipient is not None and recipient in UN_LANGUAGES:
        return recipient
    working_langs = [w for w in (working or ()) if w in UN_LANGUAGES]
    party_langs = [p for p in party if p in UN_LANGUAGES]
    if working_langs:
        for lang in party_langs:
            if lang in working_langs:
                return lang
        return working_langs[0]
    if party_langs:
        return party_langs[0]
    return DEFAULT_LANGUAGE


def direction(language: str) -> str:
    return "rtl" if language in RTL_LANGUAGES else "ltr"


def long_date(day: date, language: str) -> str:
    """16 April 2024 written the way UN documents in the language write it (wording.py)."""
    from .words import format_date  # wording imports this module's constants

    return format_date(day, language)


def month_year(day: date, language: str) -> str:
    """April 2024, the title of a monthly summary, in the language (wording.py)."""
    from .words import format_month

    return format_month(day, language)
