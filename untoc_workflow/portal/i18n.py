"""The portal in the six UN languages: Babel's gettext catalogs (`locale/<lang>/.../portal.po`,
compiled in memory when first used), CLDR dates, and right-to-left Arabic."""

from __future__ import annotations

import gettext
from datetime import date
from functools import cache
from pathlib import Path

from .. import catalogs
from ..languages import DEFAULT_LANGUAGE as DEFAULT
from ..languages import NATIVE_NAMES, direction
from ..languages import UN_LANGUAGES as LANGUAGES
from ..wording.words import format_date

# The language list and direction are the project's (languages.py), kept under the names
# the portal's pages import.
__all__ = [
    "DEFAULT",
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "NATIVE_NAMES",
    "choose_language",
    "direction",
    "long_date",
    "translations",
]

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "portal"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language` (English is the source text)."""
    return catalogs.translations(LOCALE_DIR, DOMAIN, language)


def long_date(day: date | None, language: str) -> str:
    """A date as the letters write it in `language` (UN style: 30 June 2023, 1er juin
    2023, 2023年6月30日, 30 حزيران/يونيه 2023)."""
    return format_date(day, language) if day else ""


def choose_language(
    asked: str | None, remembered: str | None, preferred: str | None, accept: str | None
) -> str:
    """The page's language: asked in the address (?lang=), else remembered in a cookie,
    else the person's own (a focal point's recorded language), else the browser's."""
    for candidate in (asked, remembered, preferred):
        if candidate in LANGUAGES:
            return str(candidate)
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT
