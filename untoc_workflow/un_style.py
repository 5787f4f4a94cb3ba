"""Dates and shares as UN documents write them, in the six UN languages.

Shared by the letters (notify) and the status report (reports), which must not import
each other: one way of writing 19 April 2024 for every page and letter of the system.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel.dates import get_month_names
from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_percent

from .languages import UN_LANGUAGES

# The Arabic month names as UN documents write them: the Levantine name, then the
# Egyptian/Gulf one after a slash (11 تشرين الأول/أكتوبر 2021).
_ARABIC_MONTHS = (
    "كانون الثاني/يناير",
    "شباط/فبراير",
    "آذار/مارس",
    "نيسان/أبريل",
    "أيار/مايو",
    "حزيران/يونيه",
    "تموز/يوليه",
    "آب/أغسطس",
    "أيلول/سبتمبر",
    "تشرين الأول/أكتوبر",
    "تشرين الثاني/نوفمبر",
    "كانون الأول/ديسمبر",
)


def _check(lang: str) -> str:
    if lang not in UN_LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; the UN languages are {UN_LANGUAGES}")
    return lang


@lru_cache(maxsize=64)
def month_name(lang: str, month: int, standalone: bool = False) -> str:
    if lang == "ar":
        return _ARABIC_MONTHS[month - 1]
    names = get_month_names("wide", "stand-alone" if standalone else "format", locale=lang)
    return str(names[month])


@lru_cache(maxsize=16384)
def format_date(d: date, lang: str) -> str:
    """The date as UN documents in `lang` write it: 11 October 2021, 1er juin 2021,
    11 de octubre de 2021, 11 октября 2021 года, 2021年10月11日, 11 تشرين الأول/أكتوبر 2021."""
    _check(lang)
    if lang == "zh":
        return f"{d.year}年{d.month}月{d.day}日"
    day = str(d.day)
    month = month_name(lang, d.month)
    if lang == "fr":
        return f"{'1er' if d.day == 1 else day} {month} {d.year}"
    if lang == "es":
        return f"{day} de {month} de {d.year}"
    if lang == "ru":
        return f"{day} {month} {d.year} года"
    return f"{day} {month} {d.year}"


@lru_cache(maxsize=1024)
def format_month(d: date, lang: str) -> str:
    """The month of `d` (a monthly summary's title): April 2024, avril 2024, abril de 2024,
    апрель 2024 года, 2024年4月, نيسان/أبريل 2024."""
    _check(lang)
    if lang == "zh":
        return f"{d.year}年{d.month}月"
    if lang == "ru":
        return f"{month_name(lang, d.month, standalone=True)} {d.year} года"
    if lang == "es":
        return f"{month_name(lang, d.month)} de {d.year}"
    return f"{month_name(lang, d.month)} {d.year}"


@lru_cache(maxsize=4096)
def format_share(x: float, lang: str) -> str:
    """A share (0.31) as a percentage the way CLDR writes it in `lang`: "31%", French
    "31 %" (a no-break space), Arabic in the Western digits UN Arabic documents use."""
    _check(lang)
    locale = "en_GB" if lang == "en" else lang
    return str(_babel_percent(x, locale=locale, numbering_system="latn"))


@lru_cache(maxsize=8192)
def format_number(n: float | Decimal, lang: str) -> str:
    """A number grouped as CLDR writes it in `lang`: 1,163 / 1 163 (French) / 1.163;
    Arabic in the Western digits UN Arabic documents use, grouped and pointed with CLDR's
    Arabic separators (1٬218, 3٫5: ar's `arab` symbols), never a Latin comma in Arabic text."""
    _check(lang)
    locale = "en_GB" if lang == "en" else lang
    text = str(format_decimal(n, locale=locale, numbering_system="latn"))
    return text.translate(_ARABIC_SEPARATORS) if lang == "ar" else text


_ARABIC_SEPARATORS = str.maketrans({",": "\u066c", ".": "\u066b"})
