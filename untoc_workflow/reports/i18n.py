"""Words of the report page and its charts (words.yaml), and the UN style of its dates and
percentages in the page's language."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import un_style
from ..errors import InputError, Problem

WORDS_FILE = Path(__file__).with_name("words.yaml")


@lru_cache(maxsize=1)
def _text() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8"))
    return data


def languages() -> tuple[str, ...]:
    return tuple(_text())


def words(lang: str) -> dict[str, Any]:
    """The words of the page in `lang`; InputError naming the languages there are."""
    text = _text()
    if lang not in text:
        raise InputError(
            [Problem(f"no report in {lang!r}", path="--lang", hint=f"choose {', '.join(text)}")]
        )
    return text[lang]


def stage_label(stage: str, w: dict[str, Any]) -> str:
    """A stage's name in the page's language; a stage the glossary lacks, from its id."""
    return str(w["stages"].get(stage) or stage.replace("_", " ").capitalize())


def combo_label(key: str, lang: str) -> str:
    """'ar+en' -> 'Arabic + English'."""
    text = _text()
    names = (text.get(lang) or text["en"])["languages"]
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
