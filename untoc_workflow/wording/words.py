"""How the secretariat writes in each of the six UN languages: Party names, dates, numbers,
punctuation, the domain terms, salutations, bidi isolation and the fonts.

Pure functions of their arguments (and of two data files shipped in process_defs/templates:
party_names.yaml and glossary.yaml), cached, so a sweep writing thousands of notices pays
for each name or date once. `install(env)` makes all of them Jinja2 filters and globals.

Sources: CLDR through Babel (territory names, month names, digits and separators, plural
rules, list patterns); UNTERM for the names and terms where the UN's usage differs from
CLDR. Every translation here is to be reviewed by the UN translation services.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
import yaml
from babel import Locale
from babel.dates import format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .. import un_style
from ..errors import did_you_mean
from ..languages import RTL_LANGUAGES, UN_LANGUAGES

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "process_defs" / "templates"
PARTY_NAMES_FILE = TEMPLATES_DIR / "party_names.yaml"
GLOSSARY_FILE = TEMPLATES_DIR / "glossary.yaml"

# First-strong isolate and pop directional isolate: a Latin run inside Arabic plain text
# keeps its own order (an e-mail address is not reversed around its "@" and dots).
FSI = "\u2068"
PDI = "\u2069"

# Named fonts first, so Chromium and mail clients pick the Noto families Debian installs
# (fonts-noto-core, fonts-noto-cjk) instead of a fallback that may draw empty boxes.
_LATIN = '"Noto Sans", "DejaVu Sans", Arial, Helvetica'
_CJK = '"Noto Sans CJK SC", "Noto Sans CJK TC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC"'
_ARABIC = '"Noto Naskh Arabic", "Noto Sans Arabic", "Arabic Typesetting", Tahoma'
FONT_STACK = f"{_LATIN}, {_CJK}, {_ARABIC}, sans-serif"


class WordingError(LookupError):
    """A Party, term, language or form the wording data does not have."""


def _check_language(lang: str) -> str:
    if lang not in UN_LANGUAGES:
        hint = did_you_mean(lang, UN_LANGUAGES)
        raise WordingError(
            f"unknown language {lang!r}; the UN languages are {', '.join(UN_LANGUAGES)}"
            + (f" ({hint})" if hint else "")
        )
    return lang


def font_stack(lang: str) -> str:
    """The stack with the language's own script first (Chinese text is set in the CJK font,
    not in a Latin font's fallback for ideographs)."""
    if lang == "zh":
        return f"{_CJK}, {_LATIN}, {_ARABIC}, sans-serif"
    if lang == "ar":
        return f"{_ARABIC}, {_LATIN}, {_CJK}, sans-serif"
    return FONT_STACK


# -- Party names ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _party_data() -> dict[str, Any]:
    with PARTY_NAMES_FILE.open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


@lru_cache(maxsize=512)
def _alpha2(code: str) -> str | None:
    country = pycountry.countries.get(alpha_3=code.upper())
    return country.alpha_2 if country is not None else None


def _override(code: str, lang: str) -> dict[str, str] | None:
    entry = _party_data()["parties"].get(code, {}).get(lang)
    if entry is None:
        return None
    if isinstance(entry, str):
        return {"name": entry}
    return dict(entry)


def is_party(code: str) -> bool:
    """Whether `code` names a Party wording knows (ISO 3166 alpha-3 or a listed one)."""
    return code in _party_data()["parties"] or _alpha2(code) is not None


@lru_cache(maxsize=8192)
def party_name(code: str, lang: str, form: str = "name") -> str:
    """The Party's name in `lang` as the UN writes it.

    form "name": the short name as in a list ("Bolivia (Plurinational State of)").
    form "of": what follows "Permanent Mission" ("of the Plurinational State of Bolivia",
    "de la Belgique", "del Perú", "Российской Федерации", "لبلجيكا", "比利时")."""
    _check_language(lang)
    if form not in ("name", "of"):
        raise WordingError(f"unknown form {form!r} of a Party name; use 'name' or 'of'")
    override = _override(code, lang)
    if override is not None and form in override:
        return override[form]
    if override is not None:
        name = override["name"]
    else:
        alpha2 = _alpha2(code)
        name_or_none = Locale.parse(lang).territories.get(alpha2) if alpha2 else None
        if name_or_none is None:
            raise WordingError(f"no name for Party {code!r} in {lang}")
        # CLDR writes a typographic apostrophe; UN documents use the straight one
        name = name_or_none.replace("\u2019", "'")
    if form == "name":
        return name
    return _of(code, lang, name)


def local_party_name(code: str | None, lang: str, stored: str | None = None) -> str:
    """The Party's name in `lang` when wording knows the Party; else the name the store
    holds (a Party outside ISO 3166 and the UN list), else the code."""
    if code and is_party(code):
        return party_name(code, lang)
    return stored or code or ""


def alphabetical(name: str) -> str:
    """The key that puts Party names in the order of a list in a UN document: letters
    compared without their accents ("Côte d'Ivoire" before "Croatia", "Égypte" before
    "Espagne", "Türkiye" before "Turkmenistan"), not by code point."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def local_party_of(code: str | None, lang: str, stored: str | None = None) -> str:
    """What follows "the country review" / "the Permanent Mission" ("of the Niger", "du
    Nigéria", "del Perú", "Нигерии", "لنيجيريا"), for a Party wording knows; else the
    stored name in the plainest construction the language allows."""
    if code and is_party(code):
        return party_name(code, lang, "of")
    name = stored or code or ""
    return {
        "en": f"of {name}",
        "fr": f"de {name}",
        "es": f"de {name}",
        "ar": f"لـ{name}",
    }.get(lang, name)


_THE_FROM_OF = {
    "en": (("of the ", "the "), ("of ", "")),
    "fr": (
        ("du ", "le "),
        ("de la ", "la "),
        ("de l'", "l'"),
        ("des ", "les "),
        ("de ", ""),
        ("d'", ""),
    ),
    "es": (
        ("del ", "el "),
        ("de la ", "la "),
        ("de los ", "los "),
        ("de las ", "las "),
        ("de ", ""),
    ),
}


def local_party_the(code: str | None, lang: str, stored: str | None = None) -> str:
    """The Party's name as the subject or object of a sentence, with its article where the
    language has one: "the Niger", "le Nigéria", "la Belgique", "el Perú", "Cuba"."""
    if not (code and is_party(code)):
        return stored or code or ""
    if lang not in _THE_FROM_OF:
        return party_name(code, lang)
    of = party_name(code, lang, "of")
    for prefix, article in _THE_FROM_OF[lang]:
        if of.startswith(prefix):
            return article + of[len(prefix) :]
    return party_name(code, lang)


def _listed(key: str, code: str) -> str | None:
    """Which group of `key` (fr_article, es_article) lists `code`."""
    for group, codes in (_party_data().get(key) or {}).items():
        if code in codes:
            return str(group)
    return None


def _of(code: str, lang: str, name: str) -> str:
    if lang == "en":
        return f"of the {name}" if code in _party_data()["en_the"] else f"of {name}"
    if lang == "fr":
        return _french_of(code, name)
    if lang == "es":
        article = _listed("es_article", code)
        if article == "el":
            return f"del {name}"
        return f"de {article} {name}" if article else f"de {name}"
    if lang == "ru":
        return russian_genitive(name)
    if lang == "ar":
        return arabic_li(name)
    return name  # Chinese: the name stands before 常驻代表团 as it is


_VOWELS = "aeiouàâéèêëîïôöûüœAEIOUÀÂÉÈÊËÎÏÔÖÛÜŒ"  # not y: "du Yémen"
_FR_ELIDED_NO_ARTICLE = frozenset({"HTI", "ISR"})


def _french_of(code: str, name: str) -> str:
    article = _listed("fr_article", code)
    starts_vowel = name[:1] in _VOWELS or code in _FR_ELIDED_NO_ARTICLE
    if article == "none" or code in _FR_ELIDED_NO_ARTICLE:
        return f"d'{name}" if starts_vowel else f"de {name}"
    if article == "des":
        return f"des {name}"
    if article == "la":
        return f"de l'{name}" if starts_vowel else f"de la {name}"
    if starts_vowel:
        return f"de l'{name}"
    if article == "du" or not name.endswith("e"):
        return f"du {name}"
    return f"de la {name}"


_RU_INDECLINABLE_END = tuple("оеиуюэ")
_RU_HUSHING = tuple("гкхжчшщ")
_RU_VOWELS = "аеёиоуыэюя"
# Plural nouns of the names that take -ов (Острова, Штаты...): the others in -ы lose it
# (Филиппины -> Филиппин, Гренадины -> Гренадин)
_RU_PLURAL_OV = {"Острова": "Островов", "Штаты": "Штатов", "Эмираты": "Эмиратов"}
_RU_PLURAL_OV_NAMES = {"Нидерланды": "Нидерландов"}
# Head nouns whose complement stays as it is: "Республика Корея" -> "Республики Корея",
# "Государство Палестина" -> "Государства Палестина", "Соединенное Королевство
# Великобритании и Северной Ирландии", "Острова Кука" (already a genitive)
_RU_APPOSITION_HEADS = frozenset(
    ("Республика", "Государство", "Королевство", "Острова", "Федерация")
)


def _ru_word_genitive(word: str) -> str:
    if "-" in word:  # Шри-Ланка, Коста-Рика: only the last part declines
        head, _, tail = word.rpartition("-")
        return f"{head}-{_ru_word_genitive(tail)}"
    if word in ("и",) or not any(c.isalpha() for c in word):
        return word  # "и", the dash of "Папуа — Новая Гвинея"
    found = _RU_PLURAL_OV.get(word) or _RU_PLURAL_OV_NAMES.get(word)
    if found:
        return found
    lower = word.lower()
    if lower.endswith("ая"):
        return word[:-2] + "ой"
    if lower.endswith("ое"):
        return word[:-2] + "ого"
    if lower.endswith(("ые", "ие")) and len(word) > 3:
        return word[:-1] + "х"
    if lower.endswith("овы") and len(word) > 4:  # Маршалловы, Соломоновы (Острова)
        return word + "х"
    if lower.endswith(("ский", "ний", "ший", "жий", "чий", "щий", "ный", "ый")) and len(word) > 4:
        # Европейский союз -> Европейского; after a hushing consonant or soft: Святейшего
        soft = lower[-3] in "жчшщ" or lower.endswith("ний")
        return word[:-2] + ("его" if soft else "ого")
    if lower.endswith("ство"):
        return word[:-1] + "а"  # Государство, Королевство
    if lower.endswith(_RU_INDECLINABLE_END):
        return word
    if lower.endswith("ия") or lower.endswith("ея"):
        return word[:-1] + "и"
    if lower.endswith("я"):
        return word[:-1] + "и"
    if lower.endswith("а"):
        if len(word) > 1 and lower[-2] in _RU_VOWELS:
            return word  # Никарагуа, Самоа, Антигуа: indeclinable
        return word[:-1] + ("и" if lower[-2:-1] in _RU_HUSHING else "ы")
    if lower.endswith("ы"):
        return word[:-1]  # Филиппины -> Филиппин
    if lower.endswith("й"):
        return word[:-1] + "я"
    if lower.endswith("ь"):
        return word[:-1] + "я"
    return word + "а"


def _ru_phrase_genitive(words: list[str]) -> list[str]:
    out: list[str] = []
    for i, word in enumerate(words):
        out.append(_ru_word_genitive(word))
        if word in _RU_APPOSITION_HEADS:
            return out + words[i + 1 :]
    return out


def russian_genitive(name: str) -> str:
    """The genitive of a Russian country name (Германия -> Германии, Китай -> Китая, Новая
    Зеландия -> Новой Зеландии, Республика Корея -> Республики Корея); a name with its
    form in brackets declines both as the United Nations writes them (Боливии
    (Многонационального Государства)); irregular ones are listed in party_names.yaml."""
    head, bracket, rest = name.partition(" (")
    if bracket and rest.endswith(")"):
        inner = " ".join(_ru_phrase_genitive(rest[:-1].split(" ")))
        return f"{russian_genitive(head)} ({inner})"
    return " ".join(_ru_phrase_genitive(name.split(" ")))


def arabic_li(name: str) -> str:
    """The preposition لـ joined to a name: ال + ل becomes لل (للاتحاد الروسي)."""
    if name.startswith("ال"):
        return "لل" + name[2:]
    return "ل" + name


def mission_kind(code: str) -> str:
    """ "mission", "observer" (a non-member observer State) or "delegation" (the EU)."""
    entry = _party_data()["parties"].get(code) or {}
    return str(entry.get("mission", "mission"))


def is_state(code: str | None) -> bool:
    """Whether the Party is a State (a "State party"); party_names.yaml marks the one that is
    not, the European Union. An unknown or missing code counts as a State."""
    if not code:
        return True
    entry = _party_data()["parties"].get(code) or {}
    return bool(entry.get("state", True))


# -- dates and numbers ------------------------------------------------------------------

# Written by the neutral un_style module, shared with the status report (which may not
# import notify); here with the check that names the UN languages.


def format_date(d: date, lang: str) -> str:
    """The date as UN documents in `lang` write it: 11 October 2021, 1er juin 2021,
    11 de octubre de 2021, 11 октября 2021 года, 2021年10月11日, 11 تشرين الأول/أكتوبر 2021."""
    return un_style.format_date(d, _check_language(lang))


def format_month(d: date, lang: str) -> str:
    """The month of `d` (a monthly summary's title): April 2024, avril 2024, abril de 2024,
    апрель 2024 года, 2024年4月, نيسان/أبريل 2024."""
    return un_style.format_month(d, _check_language(lang))


def _locale(lang: str) -> str:
    # UN English spells the list without the serial comma ("A, B and C"), as en_GB does.
    return "en_GB" if lang == "en" else lang


@lru_cache(maxsize=8192)
def format_number(n: int | float | Decimal, lang: str) -> str:
    """1,163 / 1 163 (French: narrow no-break space, as CLDR) / 1 163 (Russian: no-break
    space) / 1.163; Arabic in the Western digits UN Arabic documents use."""
    # Arabic's separators (٬ and ٫) are un_style's, as the reports write them
    return un_style.format_number(n, _check_language(lang))


@lru_cache(maxsize=8192)
def days(n: int, lang: str) -> str:
    """A number of days with the language's plural and grouping: "1,163 days",
    "1 163 jours", "1 163 дня", "1,163天", "1,163 يومًا" (CLDR's unit patterns; the
    number grouped as format_number writes it, which CLDR's duration format does not)."""
    _check_language(lang)
    count = abs(n)
    text = str(
        format_timedelta(
            timedelta(days=count), granularity="day", threshold=10**6, locale=_locale(lang)
        )
    )
    return text.replace(str(count), format_number(count, lang), 1)


@lru_cache(maxsize=4096)
def percent(x: float | Decimal, lang: str, digits: int = 0) -> str:
    """A share (0.705) as a percentage: English "70.5 per cent" (UN English spells it
    out), French "70,5 %" (no-break space), Spanish "70,5%", Chinese "70.5%", Arabic
    "70.5 في المائة"."""
    _check_language(lang)
    value = Decimal(str(x)) * 100
    number = format_decimal(
        round(value, digits),
        format="#,##0" + ("." + "0" * digits if digits else ""),
        locale=_locale(lang),
        numbering_system="latn",
    )
    if lang == "en":
        return f"{number} per cent"
    if lang == "ar":
        return f"{number} في المائة"
    if lang in ("zh", "es"):
        return f"{number}%"
    return f"{number}\u00a0%"


# -- punctuation ------------------------------------------------------------------------

_COLON = {"zh": "：", "fr": "\u00a0: "}
_COMMA = {"zh": "，", "ar": "، "}


def colon(lang: str) -> str:
    """The colon after a label with its spacing: ": ", French "\u00a0: ", Chinese full-width
    "：" (no space follows a full-width mark)."""
    _check_language(lang)
    return _COLON.get(lang, ": ")


def comma(lang: str) -> str:
    """The comma between clauses with its spacing: ", ", Chinese "，", Arabic "، "."""
    _check_language(lang)
    return _COMMA.get(lang, ", ")


def semicolon(lang: str) -> str:
    """The semicolon between items of a list with its spacing: "; ", Chinese "；", Arabic "؛ ",
    French "\u202f; " (French typography puts a narrow space before the semicolon, a no-break
    one so that the semicolon never starts a line)."""
    _check_language(lang)
    return {"zh": "；", "ar": "؛ ", "fr": "\u202f; "}.get(lang, "; ")


def parens(value: object, lang: str) -> str:
    """An aside in brackets after a word, with its spacing: " (cluster 1, group 1)", Chinese
    full-width and unspaced "（专题组 1，第 1 组）"."""
    _check_language(lang)
    return f"（{value}）" if lang == "zh" else f" ({value})"


def _parens_filter(eval_ctx: Any, value: object, lang: str) -> str:
    if eval_ctx.autoescape:
        opening, closing_ = ("（", "）") if lang == "zh" else (" (", ")")
        return Markup(opening + "{}" + closing_).format(value)  # escapes what is not markup
    return parens(value, lang)


def list_join(items: Iterable[object], lang: str) -> str:
    """Items joined as a sentence lists them: "A, B and C", "A、B和C", "A وB وC"."""
    _check_language(lang)
    values = [str(i) for i in items]
    if not values:
        return ""
    return str(format_list(values, locale=_locale(lang)))


def enumeration(items: Iterable[object], lang: str) -> str:
    """Items in a row without a conjunction: "A, B, C", Chinese "A、B、C", Arabic "A، B، C"."""
    _check_language(lang)
    sep = {"zh": "、", "ar": "، "}.get(lang, ", ")
    return sep.join(str(i) for i in items)


# -- the glossary -----------------------------------------------------------------------


@lru_cache(maxsize=4)
def load_glossary(path: Path = GLOSSARY_FILE) -> dict[str, Any]:
    with Path(path).open(encoding="utf-8") as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


def glossary_terms(path: Path = GLOSSARY_FILE) -> dict[str, Any]:
    terms: dict[str, Any] = load_glossary(path)["terms"]
    return terms


@lru_cache(maxsize=64)
def _plural_category(lang: str, count: int) -> str:
    return str(Locale.parse(lang).plural_form(abs(count)))


@lru_cache(maxsize=8192)
def _term(
    key: str,
    lang: str,
    count: int | None,
    number: str | None,
    case: str | None,
    cap: bool,
    glossary: Path,
) -> str:
    _check_language(lang)
    terms = glossary_terms(glossary)
    if key not in terms:
        hint = did_you_mean(key, list(terms))
        raise WordingError(f"{glossary}: no term {key!r}" + (f" ({hint})" if hint else ""))
    entry: Any = terms[key].get(lang)
    if entry is None:
        raise WordingError(f"{glossary}: term {key!r} has no {lang} version")
    if case is not None and isinstance(entry, Mapping):
        if case not in entry:
            raise WordingError(
                f"{glossary}: term {key!r} has no {case!r} form in {lang}; it has: "
                + ", ".join(k for k in entry if k not in _NUMBERS)
            )
        entry = entry[case]
    if isinstance(entry, Mapping):
        wanted = number or (_plural_category(lang, count) if count is not None else "one")
        choice = entry.get(wanted)
        if choice is None and wanted not in ("one",):
            choice = entry.get("other")
        if choice is None:
            choice = entry.get("one")
        if choice is None:
            raise WordingError(f"{glossary}: term {key!r} has no {wanted!r} in {lang}")
        entry = choice
    text = str(entry)
    return text[:1].upper() + text[1:] if cap else text


_NUMBERS = frozenset({"zero", "one", "two", "few", "many", "other"})


def term(
    key: str,
    lang: str,
    *,
    count: int | None = None,
    number: str | None = None,
    case: str | None = None,
    cap: bool = False,
    glossary: Path = GLOSSARY_FILE,
) -> str:
    """A domain term from glossary.yaml in `lang` (or from another folder's `glossary`).

    count: pick the plural form CLDR's rules give for that number (Russian 2 -> few);
    number: "one" or "other" directly; case: "gen", "dat"... where the language declines;
    cap: capitalised to start a sentence or a label."""
    path = glossary if isinstance(glossary, Path) else Path(glossary)
    return _term(key, lang, count, number, case, cap, path)


# -- salutations ------------------------------------------------------------------------

_ROLE_ALIASES = {
    "cop_presidency": "president",
    "presidency": "president",
    "president": "president",
    "mission": "mission",
    "secretariat": "secretariat",
    "focal_point": "focal_point",
}


def _role(role: str) -> str:
    base = role.rsplit(".", 1)[-1]
    if base not in _ROLE_ALIASES:
        raise WordingError(
            f"no salutation for role {role!r}; known: " + ", ".join(sorted(_ROLE_ALIASES))
        )
    return _ROLE_ALIASES[base]


# How each language names a Party's representation in Vienna: (mission, observer mission,
# delegation) in the case the note verbale's opening needs (Russian dative), then where.
_REPRESENTATION: dict[str, tuple[tuple[str, str, str], str, str]] = {
    "en": (
        ("the Permanent Mission", "the Permanent Observer Mission", "the Delegation"),
        "to the United Nations (Vienna)",
        "to the International Organisations in Vienna",
    ),
    "fr": (
        ("la Mission permanente", "la Mission permanente d'observation", "la Délégation"),
        "auprès de l'Organisation des Nations Unies (Vienne)",
        "auprès des organisations internationales à Vienne",
    ),
    "es": (
        ("la Misión Permanente", "la Misión Permanente de Observación", "la Delegación"),
        "ante las Naciones Unidas (Viena)",
        "ante las organizaciones internacionales en Viena",
    ),
    "ru": (
        (
            "Постоянному представительству",
            "Постоянному представительству - наблюдателю",
            "Делегации",
        ),
        "при Организации Объединенных Наций (Вена)",
        "при международных организациях в Вене",
    ),
    "ar": (
        ("البعثة الدائمة", "بعثة المراقبة الدائمة", "وفد"),
        "لدى الأمم المتحدة (فيينا)",
        "لدى المنظمات الدولية في فيينا",
    ),
}
_KINDS = ("mission", "observer", "delegation")


def _head(lang: str, kind: str) -> str:
    """The representation of a Party of `kind` ("the Permanent Mission", "la Délégation");
    an unknown kind is a permanent mission."""
    return _REPRESENTATION[lang][0][_KINDS.index(kind) if kind in _KINDS else 0]


def _mission_of(lang: str, party: str, where: str | None = None) -> str:
    """ "the Permanent Mission of Belgium to the United Nations (Vienna)" in `lang`; with
    `where` (the city the mission sits in, in `lang`, for a process whose body is not the
    United Nations in Vienna): "the Permanent Mission of Senegal (Dakar)"."""
    kind = mission_kind(party)
    of = party_name(party, lang, "of")
    if where is not None:
        return _mission_in(lang, kind, party, of, where)
    if lang == "zh":
        return of + {
            "delegation": "驻维也纳国际组织代表团",
            "observer": "常驻联合国（维也纳）观察员代表团",
        }.get(kind, "常驻联合国（维也纳）代表团")
    _, where_mission, where_delegation = _REPRESENTATION[lang]
    head = _head(lang, kind)
    if kind == "delegation":
        if lang == "ar":  # وفد الاتحاد الأوروبي: a construct state, without لـ
            of = party_name(party, lang)
        return f"{head} {of} {where_delegation}"
    return f"{head} {of} {where_mission}"


def _mission_in(lang: str, kind: str, party: str, of: str, where: str) -> str:
    """The representation of a Party accredited to no United Nations office: named by the
    city the record gives it, in brackets as the United Nations' own titles name Vienna,
    so that no language has to decline the city's name."""
    if lang == "zh":
        return f"{of}{_ZH_HEADS.get(kind, _ZH_HEADS['mission'])}（{where}）"
    if lang == "ar" and kind == "delegation":
        of = party_name(party, lang)
    return f"{_head(lang, kind)} {of} ({where})"


_ZH_HEADS = {"mission": "常驻代表团", "observer": "常驻观察员代表团", "delegation": "代表团"}


# The Russian representation in the cases other than the dative _REPRESENTATION holds:
# the nominative of an address's display name, the genitive after "доводит до сведения"
_RU_CASES = {
    "nom": {
        "Постоянному представительству": "Постоянное представительство",
        "Постоянному представительству - наблюдателю": "Постоянное представительство - наблюдатель",
        "Делегации": "Делегация",
    },
    "gen": {
        "Постоянному представительству": "Постоянного представительства",
        "Постоянному представительству - наблюдателю": (
            "Постоянного представительства - наблюдателя"
        ),
        "Делегации": "Делегации",
    },
}


def the_mission(party: str | None, lang: str, case: str = "dat") -> str:
    """The Party's representation as a note verbale names it once its opening has named it
    in full: "the Permanent Mission", "la Mission permanente", "la Delegación", "代表团";
    Russian in the dative ("Постоянному представительству", after "признателен") or the
    genitive (`case="gen"`, after "доводит до сведения"), Arabic as the second term of a
    construct ("البعثة الدائمة", "الوفد")."""
    _check_language(lang)
    if lang == "ru" and case != "dat":
        return _RU_CASES[case][the_mission(party, lang)]
    kind = mission_kind(party) if party else "mission"
    if lang == "zh":
        return _ZH_HEADS.get(kind, _ZH_HEADS["mission"])
    if lang == "ar" and kind == "delegation":
        return "الوفد"
    return _head(lang, kind)


# The representation named on its own, as an address's display name, has no article.
_ARTICLES = ("the ", "la ")


def mission_name(party: str, lang: str, where: str | None = None) -> str:
    """The Party's representation in Vienna as the display name of its address: "Permanent
    Mission of Belgium to the United Nations (Vienna)", "Mission permanente de la Belgique
    auprès de l'Organisation des Nations Unies (Vienne)", "比利时常驻联合国（维也纳）代表团";
    elsewhere (`where`, as in `_mission_of`): "Permanent Mission of Senegal (Dakar)"."""
    _check_language(lang)
    text = _mission_of(lang, party, where)
    if lang == "ru":
        for dative, nominative in sorted(_RU_CASES["nom"].items(), key=lambda x: -len(x[0])):
            if text.startswith(dative):
                return nominative + text[len(dative) :]
        return text
    for article in _ARTICLES:
        if text.startswith(article):
            text = text[len(article) :]
            return text[:1].upper() + text[1:]
    return text


# A note verbale is sent by `{sender}`: the secretariat of the United Nations Office on Drugs
# and Crime (the glossary's `note_sender`) unless the review's process declares its own
# secretariat (its `secretariat` role), whose title then heads the note: the article before
# it is the head noun's (le secrétariat, la secretaría).
_NOTE_OPENING = {
    "en": "The {sender} presents its compliments to {mission} and has the honour to bring the "
    "following to its attention.",
    "fr": "Le {sender} présente ses compliments à {mission} et a l'honneur de porter à son "
    "attention ce qui suit.",
    "es": "La {sender} saluda atentamente a {mission} y tiene el honor de señalar a su atención "
    "lo siguiente.",
    "ru": "{Sender} свидетельствует свое уважение {mission} и имеет честь сообщить следующее.",
    "zh": "{sender}向{mission}致意，并谨通知如下。",
    "ar": "تهدي {sender} أطيب تحياتها إلى {mission}، وتتشرف بأن تحيطها علماً بما يلي.",
}

_NOTE_CLOSING = {
    "en": "The {sender} avails itself of this opportunity to renew to {mission} the assurances "
    "of its highest consideration.",
    "fr": "Le {sender} saisit cette occasion pour renouveler à {mission} les assurances de sa "
    "très haute considération.",
    "es": "La {sender} aprovecha la oportunidad para reiterar a {mission} las seguridades de su "
    "más alta consideración.",
    "ru": "{Sender} пользуется случаем, чтобы возобновить {mission} уверения в своем самом "
    "высоком уважении.",
    "zh": "{sender}借此机会向{mission}重申最崇高的敬意。",
    "ar": "وتغتنم {sender} هذه الفرصة لتعرب مجدداً إلى {mission} عن أسمى آيات تقديرها.",
}


def _note(
    forms: Mapping[str, str], lang: str, party: str, sender: str | None, where: str | None
) -> str:
    sender = sender or term("note_sender", lang)
    mission = _mission_of(lang, party, where)
    return forms[lang].format(
        sender=sender, Sender=sender[:1].upper() + sender[1:], mission=mission
    )


_SALUTATION = {
    # (role, named): text; {name} is the recipient's name
    "focal_point": {
        "en": ("Dear Sir or Madam,", "Dear {name},"),
        "fr": ("Madame, Monsieur,", "Madame, Monsieur,"),
        "es": ("Estimado señor o estimada señora:", "Estimado/a {name}:"),
        "ru": ("Уважаемые коллеги!", "Уважаемый(ая) {name}!"),
        "zh": ("尊敬的联络人：", "尊敬的{name}："),
        "ar": ("حضرات السيدات والسادة،", "السيد/السيدة {name} المحترم/المحترمة،"),
    },
    "president": {
        "en": ("Excellency,", "Excellency,"),
        "fr": ("Excellence,", "Excellence,"),
        "es": ("Excelencia:", "Excelencia:"),
        "ru": ("Ваше Превосходительство!", "Ваше Превосходительство!"),
        "zh": ("阁下：", "阁下："),
        "ar": ("صاحب السعادة،", "صاحب السعادة،"),
    },
    "secretariat": {
        "en": ("Dear colleagues,", "Dear colleagues,"),
        "fr": ("Chers collègues,", "Chers collègues,"),
        "es": ("Estimados colegas:", "Estimados colegas:"),
        "ru": ("Уважаемые коллеги!", "Уважаемые коллеги!"),
        "zh": ("各位同事：", "各位同事："),
        "ar": ("الزملاء الأعزاء،", "الزملاء الأعزاء،"),
    },
}


@lru_cache(maxsize=4096)
def greeting(
    role: str,
    lang: str,
    party: str | None = None,
    name: str | None = None,
    sender: str | None = None,
    where: str | None = None,
) -> str:
    """The opening of a message in the formal register of `lang`, by the recipient's role.

    A permanent mission (role "mission", `party` its code) receives the opening of a note
    verbale ("The secretariat ... presents its compliments to the Permanent Mission of ...");
    the President of the Conference "Excellency,"; a focal point a formal salutation, by
    name when known; the secretariat "Dear colleagues,". `sender`: who sends a note
    verbale (its process's secretariat), by default the glossary's `note_sender`; `where`:
    the city its mission sits in when its process is not UNTOC's (`_mission_of`)."""
    _check_language(lang)
    kind = _role(role)
    if kind == "mission":
        if not party:
            raise WordingError("a greeting to a permanent mission needs the Party's code")
        return _note(_NOTE_OPENING, lang, party, sender, where)
    anonymous, named = _SALUTATION[kind][lang]
    if name and lang in RTL_LANGUAGES:
        name = f"{FSI}{name}{PDI}"  # a Latin name keeps its order inside Arabic
    return named.format(name=name) if name else anonymous


@lru_cache(maxsize=4096)
def closing(
    role: str,
    lang: str,
    party: str | None = None,
    sender: str | None = None,
    where: str | None = None,
) -> str:
    """The complimentary close: the note verbale's to a mission (sent by `sender`, its
    mission in `where`, as in `greeting`), else none (the signature of the secretariat
    follows the text)."""
    _check_language(lang)
    if _role(role) == "mission" and party:
        return _note(_NOTE_CLOSING, lang, party, sender, where)
    return ""


# -- bidi -------------------------------------------------------------------------------


def isolate(value: object, lang: str, html: bool) -> str:
    """A Latin fragment (address, code, review id, URL) isolated from the text around it:
    `<bdi>` in HTML, FSI...PDI in Arabic plain text; other plain text is left as it is."""
    text = str(value)
    if html:
        return Markup("<bdi>{}</bdi>").format(escape(text))
    if lang in RTL_LANGUAGES:
        return f"{FSI}{text}{PDI}"
    return text


def _bdi_filter(context: Any, value: object, lang: str | None = None) -> str:
    # an imported lexicon has no `language` in its context: it passes its own
    language = lang or context.get("language", "en")
    return isolate(value, language, html=bool(context.eval_ctx.autoescape))


# -- Jinja2 -----------------------------------------------------------------------------


def install(env: Any, templates_dir: Path | None = None) -> Any:
    """Register the wording functions in a Jinja2 environment: filters party_name,
    party_of, party_the, un_date, un_month, number, days, percent, list_join, enumeration,
    bdi, parens; globals term, greeting, closing, colon, comma, semicolon, party_name, the_mission,
    font_stack and FONT_STACK.
    Templates pass the language explicitly (`{{ term("focal_point", "fr") }}`), except
    `bdi`, which reads it from the context. The glossary is `templates_dir`'s own, if it
    has one."""
    import jinja2

    glossary = Path(templates_dir) / "glossary.yaml" if templates_dir else GLOSSARY_FILE
    if not glossary.is_file():
        glossary = GLOSSARY_FILE  # a folder without its own glossary uses the bundled one

    env.filters.update(
        {
            "party_name": party_name,
            "party_of": local_party_of,
            "party_the": local_party_the,
            "un_date": format_date,
            "un_month": format_month,
            "number": format_number,
            "days": days,
            "percent": percent,
            "list_join": list_join,
            "enumeration": enumeration,
            "bdi": jinja2.pass_context(_bdi_filter),
            "parens": jinja2.pass_eval_context(_parens_filter),
        }
    )
    env.globals.update(
        {
            "term": functools.partial(term, glossary=glossary),
            "greeting": greeting,
            "closing": closing,
            "colon": colon,
            "comma": comma,
            "semicolon": semicolon,
            "party_name": party_name,
            "the_mission": the_mission,
            "font_stack": font_stack,
            "FONT_STACK": FONT_STACK,
        }
    )
    return env


__all__ = [
    "FONT_STACK",
    "FSI",
    "GLOSSARY_FILE",
    "PARTY_NAMES_FILE",
    "PDI",
    "WordingError",
    "arabic_li",
    "closing",
    "colon",
    "comma",
    "days",
    "enumeration",
    "font_stack",
    "format_date",
    "format_month",
    "format_number",
    "glossary_terms",
    "greeting",
    "install",
    "is_party",
    "is_state",
    "isolate",
    "list_join",
    "load_glossary",
    "local_party_name",
    "local_party_of",
    "local_party_the",
    "mission_kind",
    "party_name",
    "parens",
    "percent",
    "russian_genitive",
    "semicolon",
    "mission_name",
    "term",
    "the_mission",
]
