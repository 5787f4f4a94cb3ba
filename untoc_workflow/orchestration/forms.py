"""The resume form of a waiting review run, in the domain's words, built from its definition.

The Prefect UI draws a suspended run's input model as a form (JSON Schema): titles become
labels, an enum a list to choose from, a default a prefilled value, a `format: date` a date
picker. So the form is built per position from the review's own definition: the step's
title is the form's, each declared field of the step's fact an input with its title, a
`party` field a list of the Parties awaited, `languages` the six UN languages, the date
today. The fixed fact type is not shown (the step decides it) and a "Recorded by" field is
asked for (Prefect has no users) and kept with the fact. Optional fields are shown as plain
inputs, not as "type None" toggles.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model
from pydantic.fields import FieldInfo

from ..languages import ENGLISH_NAMES as LANGUAGE_NAMES
from ..languages import UN_LANGUAGES
from .facts import Fact, fact_model
from .own_words import party_word, reviewed_word, reviewer_word, speaks_own_words
from .position import Position, recordable_fact
from .vocabulary import GENDERS, FactInput

_LANGUAGES_SHOWN = ", ".join(f"{LANGUAGE_NAMES[c]} ({c})" for c in UN_LANGUAGES)
_MAX_LIST = 100  # the mechanism file's bound on a list field (mechanism_file/facts.py)
_MAX_LANGUAGES = 3  # working languages of a review (mechanism-file.md: 0-3 codes)


def party_title(own: Any, source: str) -> str:
    """Who a `party` field names, by who completes the step (`completed_by.from`), when the
    definition gives the field no title of its own: in the process's words ("Assessing
    member"), else the glossary's ("Reviewing State party", "State party under review")."""
    if source in ("each_reviewer", "any_reviewer"):
        return reviewer_word(own, cap=True)
    if source == "reviewed":
        return reviewed_word(own, cap=True)
    return party_word(own) if speaks_own_words(own) else "Party"


# The Prefect server checks a resume against the form's JSON Schema but not its formats:
# "2026-13-45" passed as a `format: date` and failed the run when it read it. A pattern
# the server does check refuses a month or day out of range at the door (a 30 February
# is refused by the run itself, which suspends again saying why).
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def _plain_inputs(schema: dict[str, Any]) -> None:
    # Every door validates alike: what the form does not ask for is refused, not dropped
    # (a Party sent to a form without one was silently recorded without it).
    schema["additionalProperties"] = False
    # `str | None` is drawn as a type switch ("Property is type None") and a one-value
    # choice as "is a const and cannot be changed": show an input and a list instead.
    for prop in schema.get("properties", {}).values():
        options = prop.pop("anyOf", None)
        if options:
            prop.update(next(o for o in options if o.get("type") != "null"))
            if prop.get("default", 0) is None:
                del prop["default"]
        if "const" in prop:
            prop["enum"] = [prop.pop("const")]
        if prop.get("format") == "date":
            prop["pattern"] = DATE_PATTERN


class _Form(BaseModel):
    # A field the form does not have is refused (the commands send only the form's fields).
    model_config = ConfigDict(extra="forbid", json_schema_extra=_plain_inputs)


def answer_problem(form: type[BaseModel], data: Mapping[str, Any]) -> str | None:
    """Why `data` does not fit `form`, in the form's own words (its fields' titles), or
    None when it fits."""
    from pydantic import ValidationError

    try:
        form.model_validate(dict(data))
    except ValidationError as exc:
        return refusal_words(form, exc)
    return None


def refusal_words(form: type[BaseModel], exc: Any) -> str:
    """A pydantic ValidationError of `form` in the form's words: what a run says when an
    answer got past the server's check ("Date '2026-02-30': input should be a valid date")."""
    fields = form.model_fields
    said = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else ""
        info = fields.get(name)
        title = info.title if info is not None and info.title else name
        if error["type"] == "extra_forbidden":
            said.append(f"the form has no field {name!r}")
        else:
            value = error.get("input")
            shown = f" {value!r}" if isinstance(value, (str, int)) else ""
            said.append(f"{title}{shown}: {str(error['msg']).lower()}")
    return "; ".join(said)


def _names(codes: list[str], parties: Mapping[str, Any]) -> str:
    return ", ".join(f"{c} {getattr(parties.get(c), 'name', None) or c}" for c in codes)


def _input(
    field: FactInput, position: Position, parties: Mapping[str, Any], source: str
) -> tuple[Any, Any]:
    """(annotation, Field) of one input of the step's fact."""
    spec = field.spec
    title = spec.title.get("en") or field.key.replace("_", " ").capitalize()
    default: Any = None if spec.optional else ...
    info: dict[str, Any] = {}
    annotation: Any = str
    if spec.type == "date":
        annotation = date
    elif spec.type == "int":
        annotation = int
        if spec.min is not None:
            info["ge"] = spec.min
    elif spec.type == "party":
        state = position.state
        awaited = list(position.step_state.waiting_for if position.step_state else ()) or list(
            dict.fromkeys([state.reviewed, *state.reviewers])
        )
        annotation = Literal[tuple(awaited)]
        if not spec.optional and len(awaited) == 1:
            default = awaited[0]
        if not spec.title.get("en"):
            title = party_title(position.definition, source)
        info["description"] = f"One of {_names(awaited, parties)}" + (
            "; leave empty when it is joint" if spec.optional and source == "each_reviewer" else ""
        )
    elif spec.type == "languages":
        annotation = list[Literal[UN_LANGUAGES]]  # type: ignore[valid-type]
        default = [] if not spec.optional else None
        info |= {"max_length": _MAX_LANGUAGES, "description": f"Up to three of {_LANGUAGES_SHOWN}"}
    elif spec.type == "language":
        annotation = Literal[UN_LANGUAGES]
        info["description"] = _LANGUAGES_SHOWN
    elif spec.type == "gender":
        annotation = Literal[GENDERS]
    elif spec.type == "email":
        info["json_schema_extra"] = {"format": "email"}
    elif spec.type == "list":  # names (the assessors of a visit): one input per name
        annotation = list[Annotated[str, StringConstraints(min_length=1)]]
        default = [] if not spec.optional else None
        info |= {"max_length": _MAX_LIST, "description": "One name per entry"}
    if spec.optional:
        annotation = annotation | None
    return annotation, Field(default, title=title, **info)


def step_form(
    position: Position, parties: Mapping[str, Any], today: date, *, title: str | None = None
) -> type[BaseModel]:
    """The form of the one step of `position` (see the module's text); titled by the step
    (in the review's own definition) unless `title` is given."""
    assert position.fact is not None and position.step is not None
    definition = position.definition
    step = definition.step(position.step)
    shape = fact_model(position.fact, definition).shape
    inputs = {f.key: _input(f, position, parties, step.completed_by.from_) for f in shape.inputs}
    on = (
        date,
        Field(today, title="Date", description="The date of the fact (today unless earlier)."),
    )
    fields: dict[str, Any] = {}
    if "party" in inputs and shape.scope == "party":
        fields["party"] = inputs.pop("party")  # a Party's fact: which Party first
    fields |= {"on": on, **inputs}
    fields["recorded_by"] = (
        str,
        Field(
            ...,
            min_length=1,
            title="Recorded by",
            description="Your name: kept with the fact in the event log.",
        ),
    )
    fields["note"] = (
        str | None,
        Field(None, title="Note", description="Kept with the fact (optional)."),
    )
    label = title or step.label()
    # the schema's title is what the Prefect UI heads the form with; the doc, its text
    return create_model(
        _camel(position.fact),
        __base__=_Form,
        __doc__=label,
        __cls_kwargs__={"title": label},
        **fields,
    )


STEP_FIELD = "step"  # the choice of open step, in a form that offers several


def open_positions(position: Position) -> list[Position]:
    """`position` and, after it, the position at each other open step of the review whose
    fact can be recorded (definition order): the steps the run's form offers. Two steps
    are often open together (the experts and the SAQ, publication and a follow-up); a run
    waits at one, but the officer may hold the fact of the other."""
    if position.complete or position.step is None:
        return [position]
    own = position.definition
    out = [position]
    for s in own.steps:
        if s.id == position.step or position.state.step(s.id).status != "open":
            continue
        kind = recordable_fact(s)
        if kind is None:
            continue
        try:
            fact_model(kind, own)
        except KeyError:
            continue  # a fact the engine derives: no form records it
        out.append(replace(position, step=s.id, fact=kind))
    return out


def _optional(info: FieldInfo) -> tuple[Any, FieldInfo]:
    """A field of one step's form as the choice form shows it: not required (the chosen
    step's own form decides what is), no default (nothing of another step sent)."""
    kept = FieldInfo.merge_field_infos(info, default=None)
    assert info.annotation is not None  # every field of a fact's model is annotated
    return info.annotation | None, kept


def _members(annotation: Any) -> list[Any]:
    """The types of `annotation` but None (the type itself when it is no union)."""
    if get_origin(annotation) in (Union, UnionType):
        return [t for t in get_args(annotation) if t is not type(None)]
    return [annotation]


def _widened(first: Any, second: Any) -> Any:
    """One field's type for two steps: two choices (Parties) offer both lists' values."""
    a, b = _members(first), _members(second)
    if len(a) == len(b) == 1 and get_origin(a[0]) is Literal and get_origin(b[0]) is Literal:
        values = tuple(dict.fromkeys([*get_args(a[0]), *get_args(b[0])]))
        return Literal[values] | None
    return first


def resume_form(
    position: Position, parties: Mapping[str, Any], today: date, *, title: str | None = None
) -> type[BaseModel]:
    """The input model a run waiting at `position` suspends with: its step's form when it
    is the review's only open step with a fact to record; else one form offering each open
    step (a `step` choice, the run's own step first, and every step's fields). Prefect saves
    one input model per suspension and the server checks only its JSON Schema, so the
    chosen step's own form is checked by the run (`chosen_fact`): a refusal there keeps the
    run suspended, saying why."""
    choices = open_positions(position)
    if len(choices) == 1:
        return step_form(position, parties, today, title=title)
    forms = [step_form(p, parties, today) for p in choices]
    labels = [p.definition.step(p.step or "").label() for p in choices]
    common = ("on", "recorded_by", "note")
    first = forms[0].model_fields
    fields: dict[str, Any] = {
        STEP_FIELD: (
            Literal[tuple(labels)],
            Field(
                labels[0],
                title="Step",
                description="The open step whose fact you record; fill in that step's "
                "fields (the others stay empty). Open: " + "; ".join(labels),
            ),
        ),
        "on": (first["on"].annotation, first["on"]),
    }
    said: dict[str, list[tuple[str, str]]] = {}  # field -> (step, its description)
    for step_label, form in zip(labels, forms, strict=True):
        for name, info in form.model_fields.items():
            if name in common:
                continue
            if info.description:
                said.setdefault(name, []).append((step_label, info.description))
            if name not in fields:
                fields[name] = _optional(info)
                continue
            # a field two steps share (a Party): each step's values, a title fitting both
            annotation, shown = fields[name]
            widened = _widened(annotation, info.annotation)
            heading = shown.title
            if info.title != heading:
                heading = (
                    party_word(position.definition)
                    if widened is not annotation
                    else f"{heading} / {info.title}"
                )
            fields[name] = (widened, FieldInfo.merge_field_infos(shown, title=heading))
    for name, words in said.items():
        if len({w for _, w in words}) > 1:  # each step's own words, named
            annotation, shown = fields[name]
            text = "; ".join(f"{w} ({label})" for label, w in words)
            fields[name] = (annotation, FieldInfo.merge_field_infos(shown, description=text))
    fields |= {n: (first[n].annotation, first[n]) for n in common if n != "on"}
    label = title or labels[0]  # the form opens at the run's own step
    return create_model(
        _camel(position.fact or "fact") + "OrAnother",
        __base__=_Form,
        __doc__=label,
        __cls_kwargs__={"title": label},
        **fields,
    )


def chosen_fact(
    position: Position,
    parties: Mapping[str, Any],
    today: date,
    answer: BaseModel | Mapping[str, Any],
) -> tuple[Position, Fact] | str:
    """The step an answer to `resume_form(position)` records and its typed fact, or why it
    cannot: a step not open, a required field of the chosen step left empty, a field of
    another step filled in (nothing entered is silently dropped)."""
    data = answer.model_dump() if isinstance(answer, BaseModel) else dict(answer)
    choices = open_positions(position)
    label = data.pop(STEP_FIELD, None)
    at = position
    if len(choices) > 1 and label is not None:
        by_label = {p.definition.step(p.step or "").label(): p for p in choices}
        if label not in by_label:
            return f"step {label!r} is not open (open: {'; '.join(by_label)})"
        at = by_label[label]
    form = step_form(at, parties, today)
    given = {k: v for k, v in data.items() if v is not None}
    why = answer_problem(form, given)
    if why:
        return f"{form.model_json_schema().get('title', at.step)}: {why}"
    return at, fact_from_form(at, form.model_validate(given))


def _camel(kind: str) -> str:
    return "".join(p.capitalize() for p in kind.split("_"))


def fact_from_form(position: Position, answer: BaseModel | Mapping[str, Any]) -> Fact:
    """The typed fact an answer to the form of `position` stands for (empty inputs left
    out; an empty list of languages is an answer)."""
    assert position.fact is not None
    data = answer.model_dump() if isinstance(answer, BaseModel) else dict(answer)
    model = fact_model(position.fact, position.definition)
    keep = set(model.model_fields) - {"fact"}
    clean = {k: v for k, v in data.items() if k in keep and v is not None and v != ""}
    return model.model_validate(clean)
