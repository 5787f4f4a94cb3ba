"""The resume form of a waiting review run, in the domain's words, built for its position.

The Prefect UI draws a suspended run's input model as a form (JSON Schema): titles become
labels, an enum a list to choose from, a default a prefilled value, a `format: date` a date
picker. So the form is built per position: the Parties listed are the review's, the date is
today, the languages the six UN languages; the fixed fact type is not shown (the step
decides it) and a "Recorded by" field is asked for (Prefect has no users) and kept with the
fact. Optional fields are shown as plain inputs, not as "type None" toggles.

`STEP_FIELDS` is the adapter between the definition and the form: the fields each fact type
asks for. When the process definition declares its facts with typed fields, only
`fields_for` changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ..core.model import UN_LANGUAGES
from .facts import Fact, fact_model
from .position import Position

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "zh": "Chinese",
    "en": "English",
    "fr": "French",
    "ru": "Russian",
    "es": "Spanish",
}


@dataclass(frozen=True)
class FormField:
    name: str  # the Fact model's field
    title: str
    kind: str  # "text" | "email" | "date" | "party" | "reviewer" | "language" | "languages"
    required: bool = False
    help: str | None = None


_TEXT_ON = FormField("on", "Date", "date", True, "The date of the fact (today unless earlier).")

STEP_FIELDS: dict[str, tuple[FormField, ...]] = {
    "focal_point_nominated": (
        FormField("party", "Party", "awaited", True, "The Party that named its focal point."),
        FormField("name", "Name of the focal point", "text", True),
        FormField("email", "Email address", "email", True),
        _TEXT_ON,
        FormField("ministry", "Ministry or institution", "text"),
        FormField("language", "Working language", "language"),
    ),
    "preliminary_consultation_held": (
        _TEXT_ON,
        FormField("languages", "Working languages agreed (up to three)", "languages"),
        FormField("agreed_saq", "Self-assessment questionnaire due on (if agreed)", "date"),
        FormField("agreed_written_feedback", "Written feedback due on (if agreed)", "date"),
        FormField("agreed_observations", "List of observations due on (if agreed)", "date"),
    ),
    "saq_submitted": (_TEXT_ON,),
    "written_feedback_submitted": (
        FormField(
            "party",
            "Reviewing State party",
            "awaited",
            False,
            "The reviewing State party that sent its feedback; leave empty for joint feedback.",
        ),
        _TEXT_ON,
    ),
    "observations_agreed": (_TEXT_ON,),
    "summary_published": (_TEXT_ON,),
}

_RECORDED_BY = FormField(
    "recorded_by", "Recorded by", "text", True, "Your name: kept with the fact in the event log."
)
_NOTE = FormField("note", "Note", "text", False, "Kept with the fact (optional).")


def fields_for(kind: str) -> tuple[FormField, ...]:
    """The fields of the form for facts of `kind`, then who records it and a note."""
    return (*STEP_FIELDS[kind], _RECORDED_BY, _NOTE)


def _plain_inputs(schema: dict[str, Any]) -> None:
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


class _Form(BaseModel):
    # Input from `untoc record` still carries the fact type: ignored, the step decides it.
    model_config = ConfigDict(extra="ignore", json_schema_extra=_plain_inputs)


def resume_form(
    position: Position, parties: Mapping[str, Any], today: date, *, title: str
) -> type[BaseModel]:
    """The input model a run waiting at `position` suspends with (see the module's text)."""
    assert position.fact is not None and position.step_state is not None
    awaited = list(position.step_state.waiting_for) or [
        position.state.reviewed,
        *position.state.reviewers,
    ]
    fields: dict[str, Any] = {}
    for f in fields_for(position.fact):
        annotation: Any
        default: Any = ... if f.required else None
        if f.kind == "date":
            annotation = date
            if f.name == "on":
                default = today
        elif f.kind == "awaited":
            annotation = Literal[tuple(awaited)]  # type: ignore[valid-type]
            if f.required and len(awaited) == 1:
                default = awaited[0]
            names = ", ".join(f"{c} {getattr(parties.get(c), 'name', c)}" for c in awaited)
            f = FormField(f.name, f.title, f.kind, f.required, f"{f.help or ''} ({names})")
        elif f.kind == "language":
            annotation = Literal[UN_LANGUAGES]  # type: ignore[valid-type]
        elif f.kind == "languages":
            annotation = list[Literal[UN_LANGUAGES]]  # type: ignore[valid-type]
            default = []
        else:
            annotation = str
        if not f.required and default is None:
            annotation = annotation | None
        fields[f.name] = (annotation, Field(default, title=f.title, description=f.help))
    model = create_model(_model_name(position.fact), __base__=_Form, **fields)
    model.__doc__ = title
    return model


def _model_name(kind: str) -> str:
    return "".join(p.capitalize() for p in kind.split("_"))


def fact_from_form(kind: str, answer: BaseModel | Mapping[str, Any]) -> Fact:
    """The typed fact a form's answer stands for (empty inputs left out)."""
    data = answer.model_dump() if isinstance(answer, BaseModel) else dict(answer)
    keep = {f.name for f in fields_for(kind)}
    clean = {k: v for k, v in data.items() if k in keep and v not in (None, "")}
    return fact_model(kind).model_validate({"fact": kind, **clean})
