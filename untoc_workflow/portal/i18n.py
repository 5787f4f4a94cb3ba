"""The portal in the six UN languages: Babel's gettext catalogs (`locale/<lang>/.../portal.po`,
compiled in memory when first used), CLDR dates, and right-to-left Arabic."""

from __future__ import annotations

import gettext
import io
from datetime import date
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from ..notify.wording import format_date

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
DEFAULT = "en"
NATIVE_NAMES = {
    "ar": "العربية",
    "zh": "中文",
    "en": "English",
    "fr": "Français",
    "ru": "Русский",
    "es": "Español",
}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "portal"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalog of `language` (English is the source text)."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT or not path.exists():
        return gettext.NullTranslations()
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def direction(language: str) -> str:
    return "rtl" if language == "ar" else "ltr"


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
