"""Answers to a questionnaire: taken from a posted form, checked, and hashed.

Answers are kept as the form posts them (a string, or a list of choice names for a
select_multiple), so a draft with a half-typed number is found again as typed; checking
says, per question, what is wrong. The hash is of the canonical JSON of the answers.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .form import Form, Question

Answers = dict[str, Any]  # question name -> str | list[str]
# Supporting documents attached to questions, kept beside the answers (so the answers'
# SHA-256 covers the documents' own): {question name: [{sha256, name, type, size, ...}]}
DOCUMENTS = "_documents"
MAX_TEXT = 20_000  # characters of one answer: a long legal text, not a file


def from_form(form: Form, items: Iterable[tuple[str, str]]) -> Answers:
    """The answers a posted form carries (unknown fields ignored: csrf, action...)."""
    out: Answers = {}
    by_name = {q.name: q for q in form.questions}
    for key, value in items:
        q = by_name.get(key)
        if q is None:
            continue
        text = str(value).replace("\r\n", "\n").strip()[:MAX_TEXT]
        if q.multiple:
            if text:
                out.setdefault(q.name, [])
                if text not in out[q.name]:
                    out[q.name].append(text)
        elif text:
            out[q.name] = text
    return out


def typed(q: Question, value: Any) -> Any:
    """The answer as its type says (int, float, date, str, list); ValueError when it is not."""
    if value is None or value == "" or value == []:
        return None
    if q.type == "integer":
        return int(str(value))
    if q.type == "decimal":
        number = float(str(value))
        if not math.isfinite(number):
            raise ValueError(value)
        return number
    if q.type == "date":
        return date.fromisoformat(str(value))
    if q.type == "select_one":
        if value not in q.choice_names():
            raise ValueError(value)
        return str(value)
    if q.type == "select_multiple":
        values = value if isinstance(value, list) else [value]
        if any(v not in q.choice_names() for v in values):
            raise ValueError(value)
        return [c for c in q.choice_names() if c in values]
    return str(value)


def relevant_answers(form: Form, answers: Mapping[str, Any]) -> Answers:
    """The answers of the questions shown: a question whose `relevant` does not hold (an
    earlier answer made it moot) has no answer, whatever the draft held."""
    kept: Answers = {}
    for q in form.questions:
        if q.relevant is not None and not q.relevant.holds(kept):
            continue
        if q.name in answers and answers[q.name] not in (None, "", []):
            kept[q.name] = answers[q.name]
    documents = {
        name: listed
        for name, listed in (answers.get(DOCUMENTS) or {}).items()
        if listed and (asked := form.question(name)) is not None and is_shown(asked, kept)
    }
    if documents:
        kept[DOCUMENTS] = documents
    return kept


def is_shown(q: Question, answers: Mapping[str, Any]) -> bool:
    return q.relevant is None or q.relevant.holds(answers)


def problems(
    form: Form, answers: Mapping[str, Any], language: str, *, final: bool
) -> dict[str, str]:
    """What is wrong with each question's answer, in `language` (a draft is not asked to be
    complete: `final` adds the required questions left empty)."""
    out: dict[str, str] = {}
    kept = relevant_answers(form, answers)
    for q in form.questions:
        if not is_shown(q, kept):
            continue
        value = kept.get(q.name)
        if value is None:
            if final and q.required:
                out[q.name] = _pick(q.required_messages, language) or _REQUIRED.get(
                    language, _REQUIRED["en"]
                )
            continue
        try:
            checked = typed(q, value)
        except ValueError:
            out[q.name] = _NOT_A.get(q.type, _NOT_A["text"]).get(language) or _NOT_A[q.type]["en"]
            continue
        if q.constraint is not None:
            number = checked if isinstance(checked, int | float) else value
            if not q.constraint.holds(kept, number):
                out[q.name] = _pick(q.constraint_messages, language) or _CONSTRAINT.get(
                    language, _CONSTRAINT["en"]
                )
    return out


def _pick(values: Mapping[str, str], language: str) -> str:
    return values.get(language) or values.get("en") or next(iter(values.values()), "")


def digest(answers: Mapping[str, Any]) -> str:
    """SHA-256 of the answers' canonical JSON: what the recorded fact's note names."""
    text = json.dumps(answers, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def typed_answers(form: Form, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Submitted answers as JSON values of their types (numbers as numbers), for the CLI."""
    out: dict[str, Any] = {}
    for q in form.questions:
        if q.name not in answers:
            continue
        try:
            value = typed(q, answers[q.name])
        except ValueError:
            value = answers[q.name]
        out[q.name] = value.isoformat() if isinstance(value, date) else value
    return out


_REQUIRED = {
    "en": "This question needs an answer.",
    "fr": "Cette question appelle une réponse.",
    "es": "Esta pregunta requiere una respuesta.",
    "ar": "هذا السؤال يتطلب إجابة.",
    "zh": "此问题需要回答。",
    "ru": "На этот вопрос необходимо ответить.",
}
_CONSTRAINT = {
    "en": "This answer is not accepted.",
    "fr": "Cette réponse n'est pas acceptée.",
    "es": "Esta respuesta no es válida.",
    "ar": "هذه الإجابة غير مقبولة.",
    "zh": "此回答不被接受。",
    "ru": "Этот ответ не принимается.",
}
_NUMBER = {
    "en": "Give a number.",
    "fr": "Indiquez un nombre.",
    "es": "Indique un número.",
    "ar": "يرجى إدخال رقم.",
    "zh": "请填写数字。",
    "ru": "Укажите число.",
}
_NOT_A: dict[str, dict[str, str]] = {
    "integer": {
        "en": "Give a whole number.",
        "fr": "Indiquez un nombre entier.",
        "es": "Indique un número entero.",
        "ar": "يرجى إدخال عدد صحيح.",
        "zh": "请填写整数。",
        "ru": "Укажите целое число.",
    },
    "decimal": _NUMBER,
    "date": {
        "en": "Give a date (YYYY-MM-DD).",
        "fr": "Indiquez une date (AAAA-MM-JJ).",
        "es": "Indique una fecha (AAAA-MM-DD).",
        "ar": "يرجى إدخال تاريخ (YYYY-MM-DD).",
        "zh": "请填写日期（YYYY-MM-DD）。",
        "ru": "Укажите дату (ГГГГ-ММ-ДД).",
    },
    "select_one": {
        "en": "Choose one of the answers offered.",
        "fr": "Choisissez l'une des réponses proposées.",
        "es": "Elija una de las respuestas propuestas.",
        "ar": "يرجى اختيار إحدى الإجابات المعروضة.",
        "zh": "请从所列答案中选择。",
        "ru": "Выберите один из предложенных ответов.",
    },
    "text": {"en": "This answer is not accepted."},
}
_NOT_A["select_multiple"] = _NOT_A["select_one"]
