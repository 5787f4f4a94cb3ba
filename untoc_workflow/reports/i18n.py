"""Words of the report page and its charts, and the UN style of its dates and percentages
in the page's language.

The words are a gettext catalog like the portal's (catalogs.py): `locale/reports.pot` holds
the English source text, each message under a context naming its key (`title`,
`stages.<stage id>`...), and `locale/<lang>/LC_MESSAGES/reports.po` its translation.
The page's code looks words up by key in the mapping `words(lang)` returns.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import catalogs, un_style
from ..errors import InputError, Problem
from ..languages import DEFAULT_LANGUAGE, UN_LANGUAGES

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "reports"
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


@lru_cache(maxsize=1)
def source_text() -> tuple[tuple[str, str], ...]:
    """(key, English text) of every message of the catalog's template, in its order."""
    return tuple(
        (m.context, m.id)
        for m in catalogs.read_catalog(TEMPLATE)
        if m.context and isinstance(m.id, str) and m.id  # no plurals in this catalog
    )


def languages() -> tuple[str, ...]:
    """The UN languages the report is written in: English and those with a catalog."""
    return tuple(
        lang
        for lang in UN_LANGUAGES
        if lang == DEFAULT_LANGUAGE or catalogs.po_path(LOCALE_DIR, DOMAIN, lang).exists()
    )


@lru_cache(maxsize=len(UN_LANGUAGES))
def _words(lang: str) -> dict[str, Any]:
    translated = catalogs.translations(LOCALE_DIR, DOMAIN, lang)
    out: dict[str, Any] = {}
    for key, english in source_text():
        *groups, name = key.split(".")  # stages.<id> -> out["stages"][<id>]
        target = out
        for group in groups:
            target = target.setdefault(group, {})
        target[name] = translated.pgettext(key, english)
    return out


def words(lang: str) -> dict[str, Any]:
    """The words of the page in `lang`; InputError naming the languages there are."""
    if lang not in languages():
        raise InputError(
            [
                Problem(
                    f"no report in {lang!r}", path="--lang", hint=f"choose {', '.join(languages())}"
                )
            ]
        )
    return _words(lang)


def stage_label(stage: str, w: dict[str, Any]) -> str:
    """A stage's name in the page's language; a stage the glossary lacks, from its id."""
    return str(w["stages"].get(stage) or stage.replace("_", " ").capitalize())


def combo_label(key: str, lang: str) -> str:
    """'ar+en' -> 'Arabic + English'."""
    names = words(lang if lang in languages() else DEFAULT_LANGUAGE)["languages"]
    return " + ".join(names.get(code, code) for code in key.split("+"))


def un_date(day: str | date, lang: str) -> str:
    """A date of the report as UN documents in `lang` write it (19 avril 2024)."""
    d = date.fromisoformat(day) if isinstance(day, str) else day
    return un_style.format_date(d, lang)


def share(x: float, lang: str) -> str:
    """A share as CLDR writes a percentage in `lang` ("31 %" in French)."""
    return un_style.format_share(x, lang)


def number(n: float, lang: str) -> str:
    """A count as CLDR groups it in `lang`: 1,003 / 1 003 (French, a narrow no-break space)."""
    return un_style.format_number(n, lang)
