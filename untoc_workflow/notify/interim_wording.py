"""Stand-ins for notify/wording.py (the language engineer's): the same names, plain
behaviour, so the templates can call them before that module is merged. Deleted then."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from .languages import long_date

_GREETINGS = {
    "en": {
        "mission": "To the Permanent Mission of {party},",
        "cop_presidency": "Excellency,",
        "secretariat": "To the secretariat of the Review Mechanism,",
        "focal_point": "Dear Sir or Madam,",
    },
    "fr": {
        "mission": "À la Mission permanente ({party}),",
        "cop_presidency": "Excellence,",
        "secretariat": "Au secrétariat du Mécanisme d'examen,",
        "focal_point": "Madame, Monsieur,",
    },
    "es": {
        "mission": "A la Misión Permanente ({party}):",
        "cop_presidency": "Excelentísimo/a Señor/a:",
        "secretariat": "A la secretaría del Mecanismo de Examen:",
        "focal_point": "Estimado/a Señor/a:",
    },
    "ru": {
        "mission": "Постоянному представительству ({party})",
        "cop_presidency": "Ваше Превосходительство!",
        "secretariat": "Секретариату Механизма обзора",
        "focal_point": "Уважаемый господин / Уважаемая госпожа!",
    },
    "ar": {
        "mission": "إلى البعثة الدائمة ({party})،",
        "cop_presidency": "صاحب/صاحبة السعادة،",
        "secretariat": "إلى أمانة آلية الاستعراض،",
        "focal_point": "حضرة السيد/السيدة،",
    },
    "zh": {
        "mission": "{party}常驻代表团：",
        "cop_presidency": "阁下：",
        "secretariat": "审议机制秘书处：",
        "focal_point": "尊敬的先生/女士：",
    },
}


def greeting(role: str, lang: str, party: str | None = None) -> str:
    forms = _GREETINGS.get(lang, _GREETINGS["en"])
    return forms.get(role, forms["focal_point"]).format(party=party or "")


def format_date(day: date, lang: str) -> str:
    return long_date(day, lang)


def format_number(n: int, lang: str) -> str:
    return f"{n:,}".replace(",", "\u202f" if lang in ("fr", "ru") else ",")


def colon(lang: str) -> str:
    return {"fr": "\u00a0:", "zh": "：", "ar": ":"}.get(lang, ":")


def list_join(items: Iterable[str], lang: str) -> str:
    return {"zh": "、", "ar": "، "}.get(lang, ", ").join(items)


def party_name(code: str, lang: str) -> str:
    return code


def term(key: str, lang: str, **form: Any) -> str:
    return key.replace("_", " ")


def install(env: Any) -> None:
    for name, fn in {
        "greeting": greeting,
        "format_date": format_date,
        "format_number": format_number,
        "colon": colon,
        "list_join": list_join,
        "party_name": party_name,
        "term": term,
    }.items():
        env.globals[name] = fn
        env.filters[name] = fn
