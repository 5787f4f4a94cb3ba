"""The form of a letter as the secretariat signs it: the place and date line, the
salutation by the gender in the record, the signature. Words of the six languages; the
templates call these through the globals `dateline`, `salutation` and `signature`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from .articles import after
from .own_terms import glossary_the

# The duty station in each language (UNTERM: Vienna).
_PLACE = {
    "en": "Vienna",
    "fr": "Vienne",
    "es": "Viena",
    "ru": "Вена",
    "zh": "维也纳",
    "ar": "فيينا",
}

# "Vienna, 16 April 2024" as each language's correspondence writes it.
_DATELINE = {
    "en": "{place}, {day}",
    "fr": "{place}, le {day}",
    "es": "{place}, {day}",
    "ru": "{place}, {day}",
    "zh": "{day}于{place}",
    "ar": "{place}، {day}",
}


def dateline(language: str, day: str, place: str | None = None) -> str:
    """The place and date line of a letter written in Vienna (or `place`, already in the
    letter's language) on `day` (a long date already written for the language)."""
    return _DATELINE[language].format(place=place or _PLACE[language], day=day)


@pass_context
def _letter_dateline(context: Context, language: str, day: str) -> str:
    # A process whose secretariat sits elsewhere names its duty station (`roles: place`);
    # its letters are not written in Vienna.
    process = context.get("process")
    place = process.get("place") if isinstance(process, Mapping) else None
    return dateline(language, day, place)


# The courtesy close of a letter to the President of the Conference, before the signature.
_COURTESY = {
    "en": "Please accept, Excellency, the assurances of the secretariat's highest consideration.",
    "fr": "Le secrétariat prie Votre Excellence d'agréer les assurances de sa très haute "
    "considération.",
    "es": "La secretaría aprovecha la oportunidad para reiterar a Su Excelencia las seguridades "
    "de su más alta consideración.",
    "ru": "Секретариат пользуется случаем, чтобы заверить Ваше Превосходительство в своем "
    "самом высоком уважении.",
    "zh": "秘书处顺致最崇高的敬意。",
    "ar": "وتغتنم الأمانة هذه الفرصة لتعرب لسعادتكم عن أسمى آيات تقديرها.",
}


def courtesy(language: str) -> str:
    return _COURTESY[language]


# A focal point's salutation by the gender in the record; with none recorded (or
# "other"), a form that names no gender, never "Estimado/a" or "Уважаемый(ая)".
_FOCAL_POINT = {
    "en": {"female": "Dear Ms. {name},", "male": "Dear Mr. {name},", None: "Dear {name},"},
    "fr": {"female": "Madame,", "male": "Monsieur,", None: "Madame, Monsieur,"},
    "es": {
        "female": "Estimada Sra. {name}:",
        "male": "Estimado Sr. {name}:",
        None: "De mi consideración:",
    },
    "ru": {
        "female": "Уважаемая госпожа {name}!",
        "male": "Уважаемый господин {name}!",
        None: "Уважаемые коллеги!",
    },
    "zh": {"female": "尊敬的{name}女士：", "male": "尊敬的{name}先生：", None: "尊敬的{name}："},
    "ar": {
        "female": "السيدة {name} المحترمة،",
        "male": "السيد {name} المحترم،",
        None: "حضرات السيدات والسادة،",
    },
}


def salutation(recipient: Any, language: str, sender: str | None = None) -> str:
    """The opening of a letter: a focal point's by the gender in the record, by name; any
    other recipient's (a mission's note verbale, sent by `sender`, the President, the
    secretariat) as wording.greeting writes it."""
    from ..languages import RTL_LANGUAGES
    from .words import FSI, PDI, greeting

    kind = recipient["kind"]
    name = recipient.get("name") or ""
    if kind != "focal_point" or not name:
        where = recipient.get("where")  # a mission elsewhere than Vienna: its city
        return greeting(kind, language, recipient.get("party_code"), None, sender, where)
    gender = recipient.get("gender")
    forms = _FOCAL_POINT[language]
    form = forms.get(gender if gender in ("female", "male") else None, forms[None])
    if language in RTL_LANGUAGES:
        name = f"{FSI}{name}{PDI}"  # a Latin name keeps its order inside Arabic
    return form.format(name=name)


# The secretariat's own summary is an internal note: headed as one, no salutation, no close.
_INTERNAL = {
    "en": "Internal note",
    "fr": "Note interne",
    "es": "Nota interna",
    "ru": "Служебная записка",
    "zh": "内部说明",
    "ar": "مذكرة داخلية",
}


def internal_note(language: str) -> str:
    return _INTERNAL[language]


def waited_from(names: list[str], language: str) -> list[str]:
    """The Parties a step waits for, as the label before them governs them: Russian
    "Ожидается от" takes the genitive (от Финляндии, not от: Финляндия)."""
    if language != "ru":
        return list(names)
    from .words import russian_genitive

    return [russian_genitive(name) for name in names]


@pass_context
def _with_article(
    context: Context, key: str, language: str, untoc: str, preposition: str = "", generic: str = ""
) -> str:
    """A phrase naming glossary `key` with its article: `untoc`, as UNTOC's letters always
    wrote it ("del examen de país"), when the review's process names nothing of its own for
    `key`; else the process's own word with its definite form after `preposition` ("del
    examen de integridad", roles: review_the), or `generic` where its article cannot be
    known ("del examen": a word of the language true of any process), capitalised as
    `untoc` is."""
    the = context.get("the_role") or glossary_the
    own = the(key, language)
    if own is None:
        return untoc
    text = after(preposition, own, language) if own else generic
    return text[:1].upper() + text[1:] if untoc[:1].isupper() else text


@pass_context
def _letter_closing(
    context: Context, role: str, lang: str, party: str | None = None, sender: str | None = None
) -> str:
    # a note verbale closes to its mission where the letter's recipient sits (`where`, as
    # its salutation names it)
    from .words import closing

    recipient = context.get("recipient")
    where = recipient.get("where") if isinstance(recipient, Mapping) else None
    return closing(role, lang, party, sender, where)


def install(env: Any) -> None:
    env.filters["waited_from"] = waited_from
    env.globals["internal_note"] = internal_note
    env.globals["dateline"] = _letter_dateline
    env.globals["courtesy"] = courtesy
    env.globals["salutation"] = salutation
    env.globals["closing"] = _letter_closing
    # a stage its process titles (`stage_titles:`) is read in a letter of that process's
    # reviews (own_terms.process_words); else None, and the lexicon names it
    env.globals["stage_title"] = lambda stage, language: None
    # a role its process names with its article (own_terms.process_the); else None, and the
    # template writes the glossary's word with its own article
    env.globals["the_role"] = glossary_the
    env.globals["with_article"] = _with_article
