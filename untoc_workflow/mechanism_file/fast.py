"""The common event read without pydantic: a plain check per event type, built from the same
definitions as its model, that accepts only what the model accepts and gives the core's
`data` the model would give (`convert.event_from_model`).

A million events through pydantic cost a model object, Python validators (dates, codes,
addresses) and a conversion each; here they cost one pass over a dict. Whatever this check
is not sure of (any refused value, any unusual type, a process migration) answers None and
goes through the model, which finds the same events valid and says what is wrong with the
others: a problem is always worded by pydantic. `tests/store/test_fast_events.py` holds the
two to agreement on generated events.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, get_args

import orjson

from ..languages import Language
from ..yamlsource import MAX_INT_DIGITS
from . import models as m
from .email import checked_email

# raw event (as the file gives it) -> (its date, the core Event's data), or None: not sure
Reader = Callable[[Any], "tuple[date, dict[str, Any]] | None"]
# a field's check: the value as the model keeps it, or _Unsure
Check = Callable[[Any], Any]


class _Unsure(Exception):
    """The value may be refused, or read otherwise by the model: let the model read it."""


_LANGUAGES = frozenset(get_args(Language))
_GENDERS = frozenset(("female", "male", "other"))
_PARTY = re.compile(m._PARTY_CODE.pattern)
_INT_MAX = 10**MAX_INT_DIGITS - 1
_COMMON = frozenset(("on", "type", "id", "note"))


def _day(value: Any) -> date:
    # the model's own date check (and its cache of days already read); a date object only
    # as itself (YAML), never a datetime, which the model would turn into a date
    if type(value) is str:
        found = m._parsed_days.get(value)
        if found is not None:
            return found
    elif type(value) is not date:
        raise _Unsure
    try:
        day: date = m._iso_date(value)
    except ValueError:
        raise _Unsure from None
    return day


def _text(value: Any) -> str:
    if type(value) is not str or not value:
        raise _Unsure
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _Unsure
    return value


def _party(value: Any) -> str:
    if type(value) is not str or _PARTY.match(value) is None:
        raise _Unsure
    return value


def _email(value: Any) -> str:
    if type(value) is not str:
        raise _Unsure
    try:
        return checked_email(value)
    except ValueError:
        raise _Unsure from None


def _languages(value: Any) -> list[str]:
    # list[Language], at most 3, each once (facts.py's field and validator)
    if type(value) is not list or len(value) > 3:
        raise _Unsure
    for code in value:
        if type(code) is not str or code not in _LANGUAGES:
            raise _Unsure
    if len(set(value)) != len(value):
        raise _Unsure
    return list(value)


def _names(value: Any) -> list[str]:
    # list[Text], at most 100
    if type(value) is not list or len(value) > 100:
        raise _Unsure
    for name in value:
        if type(name) is not str or not name:
            raise _Unsure
    return list(value)


def _int(low: int | None) -> Check:
    def check(value: Any) -> int:
        if type(value) is not int or value > _INT_MAX or (low is not None and value < low):
            raise _Unsure
        return value

    return check


def _agreed(steps: tuple[str, ...]) -> Check:
    known = frozenset(steps)

    def check(value: Any) -> dict[str, date]:
        # the model's dump without its nones: step -> date, in the steps' order
        if type(value) is not dict or not value.keys() <= known:
            raise _Unsure
        out = {}
        for step in steps:
            given = value.get(step)
            if given is not None:
                out[step] = _day(given)
        return out

    return check


def _reader(
    fields: Mapping[str, tuple[Check, bool]],
    build: Callable[[dict[str, Any]], dict[str, Any]],
    validate: Callable[[dict[str, Any]], bool] | None = None,
) -> Reader:
    """A reader of events with `fields` (name -> (check, required)) beside on, type, id
    and note; `build` makes the data from the checked values, `validate` is the model's
    own rule across fields.

    The reader is written out as one function for these fields (`_reader_source`): a
    million events each pay one call, not one per field, and the usual checks (text, a
    code, a known day) are a line each in it."""
    allowed = frozenset(fields) | _COMMON
    required = frozenset(name for name, (_, needed) in fields.items() if needed) | {"on", "type"}
    scope: dict[str, Any] = {
        "_Unsure": _Unsure,
        "_day": _day,
        "_days_get": m._parsed_days.get,
        "_party_match": _PARTY.match,
        "allowed": allowed,
        "required": required,
        "build": build,
        "validate": validate,
    }
    for i, (check, _) in enumerate(fields.values()):
        scope[f"check{i}"] = check
    exec(_reader_source(fields, validate is not None), scope)  # noqa: S102  # our own text, names quoted by repr
    read: Reader = scope["read"]
    return read


# The checks written inline in a reader: the condition on which the value is refused.
_INLINE: dict[Check, str] = {
    _text: "type({v}) is not str or not {v}",
    _str: "type({v}) is not str",
    _party: "type({v}) is not str or _party_match({v}) is None",
}


def _reader_source(fields: Mapping[str, tuple[Check, bool]], validates: bool) -> str:
    """The text of a reader of `fields` (see `_reader`): exactly the checks of the fields,
    in their order, each optional one skipped when absent or None."""
    lines = [
        "def read(raw):",
        "    if type(raw) is not dict:",
        "        return None",
        "    keys = raw.keys()",
        "    if not (keys <= allowed and required <= keys):",
        "        return None",
        "    get = raw.get",
        "    try:",
        "        day = raw['on']",
        "        on = _days_get(day) if type(day) is str else None",
        "        if on is None:",
        "            on = _day(day)",
        "        given = get('id')",
        "        if given is not None and (type(given) is not str or not given):",
        "            return None",
        "        note = get('note')",
        "        if note is not None and type(note) is not str:",
        "            return None",
    ]
    for i, (name, (check, needed)) in enumerate(fields.items()):
        v = f"v{i}"
        lines.append(f"        {v} = get({name!r})")
        indent = "        "
        if not needed:
            lines.append(f"        if {v} is not None:")
            indent += "    "
        inline = _INLINE.get(check)
        if inline is not None:
            lines.append(f"{indent}if {inline.format(v=v)}:")
            lines.append(f"{indent}    return None")
        elif check is _day:
            lines.append(f"{indent}{v} = (_days_get({v}) if type({v}) is str else None)")
            lines.append(f"{indent}{v} = {v} or _day(get({name!r}))")
        else:
            lines.append(f"{indent}{v} = check{i}({v})")
    lines.append("    except _Unsure:")
    lines.append("        return None")
    values = ", ".join(f"{name!r}: v{i}" for i, name in enumerate(fields))
    lines.append(f"    values = {{{values}}}")
    if validates:
        lines.append("    if not validate(values):")
        lines.append("        return None")
    lines.append("    return on, build(values)")
    return "\n".join(lines) + "\n"


def _required(check: Check) -> tuple[Check, bool]:
    return (check, True)


def _maybe(check: Check) -> tuple[Check, bool]:
    """An optional field: absent or None is None, anything else must pass `check`."""
    return (check, False)


# -- the engine's facts (models.py) ------------------------------------------------------


def _person(value: Any) -> dict[str, Any]:
    # PersonModel, as event_from_model writes it (every field, absent ones None)
    keys = value.keys() if type(value) is dict else None
    if keys is None or not (keys <= _PERSON_KEYS and keys >= _PERSON_NEEDS):
        raise _Unsure
    gender = value.get("gender")
    language = value.get("language")
    ministry = value.get("ministry")
    if (
        (gender is not None and (type(gender) is not str or gender not in _GENDERS))
        or (language is not None and (type(language) is not str or language not in _LANGUAGES))
        or (ministry is not None and type(ministry) is not str)
    ):
        raise _Unsure
    return {
        "name": _text(value["name"]),
        "email": _email(value["email"]),
        "gender": gender,
        "ministry": ministry,
        "language": language,
    }


_PERSON_KEYS = frozenset(("name", "email", "gender", "ministry", "language"))
_PERSON_NEEDS = frozenset(("name", "email"))


def _with_decision(data: dict[str, Any], decision: Any) -> dict[str, Any]:
    if decision is not None:
        data["decision"] = decision
    return data


def engine_readers() -> dict[type[Any], Reader]:
    """Readers of the engine's facts but `process_migrated` (rare: always the model)."""
    return {
        m.FocalPointNominated: _reader(
            {
                "party": _required(_party),
                "person": _required(_person),
                "replaces": _maybe(_str),
            },
            lambda v: {"person": v["person"], "replaces": v["replaces"]},
        ),
        m.FocalPointWithdrawn: _reader(
            {"party": _required(_party), "email": _required(_text)},
            lambda v: {"email": v["email"]},
        ),
        m.DeadlineExtended: _reader(
            {
                "review": _required(_text),
                "step": _required(_text),
                "due": _required(_day),
                "basis": _required(_text),
                "decision": _maybe(_str),
            },
            lambda v: _with_decision(
                {"step": v["step"], "due": v["due"], "basis": v["basis"]}, v["decision"]
            ),
        ),
        m.ReviewerReplaced: _reader(
            {
                "review": _required(_text),
                "party": _required(_party),
                "by": _required(_party),
                "requested_by": _required(_text),
            },
            lambda v: {"by": v["by"], "requested_by": v["requested_by"]},
        ),
        m.StepWaived: _reader(
            {
                "review": _required(_text),
                "step": _required(_text),
                "basis": _required(_text),
                "decision": _maybe(_str),
            },
            lambda v: _with_decision({"step": v["step"], "basis": v["basis"]}, v["decision"]),
        ),
    }


# -- the facts a process declares (facts.py) ---------------------------------------------


def fact_reader(fact: Any, agreed_steps: tuple[str, ...]) -> Reader | None:
    """The reader of a declared fact, as `facts.fact_model` builds its model and
    `EventVocabulary.data_of` its data; None when a field is one this module does not read
    (the model reads every such event)."""
    fields: dict[str, tuple[Check, bool]] = {}
    fields["review" if fact.scope == "review" else "party"] = _required(
        _text if fact.scope == "review" else _party
    )
    layout: list[tuple[str, str]] = []
    for name, spec in fact.fields.items():
        if name in _COMMON or name == "review" or (name == "party" and spec.type != "party"):
            return None  # a field named like the event's own keys: the model's to read
        check = _FIELD_CHECKS.get(spec.type)
        if spec.type == "int":
            check = _int(spec.min)
        elif spec.type == "agreed":
            check = _agreed(agreed_steps)
        if check is None:
            return None
        fields[name] = _maybe(check) if spec.optional else _required(check)
        if name != "party":
            layout.append((name, spec.type))
    order = [(late, spec.after) for late, spec in fact.fields.items() if spec.after]
    bounds = [(low, spec.at_most) for low, spec in fact.fields.items() if spec.at_most]

    def validate(values: dict[str, Any]) -> bool:
        # the model's validators: a date not before another, a count not above another
        try:
            for late, early in order:
                a, b = values.get(late), values.get(early)
                if a is not None and b is not None and a < b:
                    return False
            for low, high in bounds:
                a, b = values.get(low), values.get(high)
                if a is not None and b is not None and a > b:
                    return False
        except TypeError:
            return False
        return True

    def build(values: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name, kind in layout:
            value = values[name]
            if kind == "agreed":
                value = {} if value is None else value
            elif kind == "date" and value is not None:
                value = value.isoformat()
            data[name] = value
        return data

    return _reader(fields, build, validate if order or bounds else None)


_FIELD_CHECKS: dict[str, Check] = {
    "text": _text,
    "email": _text,  # a declared `email` field is text to the model (facts._field)
    "date": _day,
    "party": _party,
    "languages": _languages,
    "list": _names,
}


# -- the store's canonical JSON ----------------------------------------------------------


def canonical_json(data: Mapping[str, Any]) -> str | None:
    """`convert.data_to_json(data)` by orjson (the same text: sorted keys, no spaces, the
    characters themselves, dates as ISO), or None where orjson refuses (a lone surrogate, an
    integer past 64 bits): then data_to_json."""
    try:
        return orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return None
