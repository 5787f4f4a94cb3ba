"""The typed fact a waiting country-review run accepts, generated from the definition.

Plain pydantic models (no Prefect import), one per fact of a definition, built from its
declared fields (`vocabulary.fact_shape`): what a resume form's answer becomes, and what
`untoc record`'s event is read back as. `fact` is fixed per model; `.event(review)` is the
mechanism-file event exactly as `untoc record` writes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from .vocabulary import FactShape, definitions_of, fact_shape

if TYPE_CHECKING:
    from ..definitions.catalog import Definitions


class Fact(BaseModel):
    """Common fields: the date of the fact, an optional note and who recorded it."""

    model_config = ConfigDict(extra="forbid")
    shape: ClassVar[FactShape]

    on: date = Field(description="Date of the fact (YYYY-MM-DD).")
    note: str | None = Field(None, description="Optional note kept with the fact.")
    recorded_by: str | None = Field(None, description="Who recorded the fact.")

    @property
    def kind(self) -> str:
        return self.shape.kind

    def event(self, review_id: str) -> dict[str, Any]:
        """The fact as a mechanism-file event (the same shape `untoc record` writes): a
        Party's fact names its party and no review."""
        out: dict[str, Any] = {"on": self.on.isoformat(), "type": self.kind}
        if self.shape.scope == "review":
            out["review"] = review_id
        for field in self.shape.inputs:
            value = getattr(self, field.key)
            if value is None:
                continue
            place = out
            for part in field.path[:-1]:
                place = place.setdefault(part, {})
            place[field.path[-1]] = value.isoformat() if isinstance(value, date) else value
        note = with_recorder(self.note, self.recorded_by)
        if note:
            out["note"] = note
        return out


# Who recorded a fact is kept in its note: the mechanism file's events have no field for
# it, and the note travels with the fact through export and import unchanged.
_RECORDED_BY = re.compile(r"(?:^|; )recorded by (?P<who>[^;]+)$")


def with_recorder(note: str | None, who: str | None) -> str | None:
    """The note kept with a fact: the note, then "recorded by WHO"."""
    who = " ".join((who or "").split())
    if not who:
        return note or None
    return f"{note}; recorded by {who}" if note else f"recorded by {who}"


def split_recorder(note: str | None) -> tuple[str | None, str | None]:
    """(note, who recorded it) from a note `with_recorder` wrote."""
    if not note:
        return None, None
    found = _RECORDED_BY.search(note)
    if found is None:
        return note, None
    return note[: found.start()] or None, found["who"]


# A typed fact keeps what was entered: whether a Party or a language fits the review is the
# refusal's question (record.py), answered with a reason rather than a validation error.
_TYPES: dict[str, Any] = {"int": int, "date": date, "languages": list[str], "list": list[str]}


def _field(spec: Any) -> tuple[Any, Any]:
    annotation = _TYPES.get(spec.type, str)
    info: dict[str, Any] = {"description": spec.title.get("en") or None}
    if spec.type == "int" and spec.min is not None:
        info["ge"] = spec.min
    if spec.type == "languages" and not spec.optional:
        # an empty list is an answer: no working language agreed
        return list[str], Field(default_factory=list, **info)
    if spec.optional:
        return annotation | None, Field(None, **info)
    return annotation, Field(..., **info)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


_models: dict[tuple[int, str], tuple[Any, type[Fact]]] = {}


def fact_model(kind: str, definition: Definitions) -> type[Fact]:
    """The typed fact `kind` of `definition` (one definition, or a catalog of every loaded
    version); KeyError for a fact no run takes."""
    cached = _models.get((id(definition), kind))
    if cached is not None and cached[0] is definition:
        return cached[1]
    shape = fact_shape(definition, kind)
    fields = {i.key: _field(i.spec) for i in shape.inputs}
    model: type[Fact] = create_model(  # type: ignore[call-overload]
        _camel(kind),
        __base__=Fact,
        __doc__=shape.title.get("en") or None,
        fact=(Literal[kind], kind),
        **fields,
    )
    model.shape = shape
    _models[(id(definition), kind)] = (definition, model)
    return model


def fact_from_event(event: Mapping[str, Any], definition: Definitions) -> Fact:
    """A mechanism-file event (as `untoc record` builds it) as the matching typed fact."""
    model = fact_model(str(event["type"]), definition)
    note, who = split_recorder(event.get("note"))
    data: dict[str, Any] = {"on": event["on"], "note": note, "recorded_by": who}
    for field in model.shape.inputs:
        value: Any = event
        for part in field.path:
            value = value.get(part) if isinstance(value, Mapping) else None
        data[field.key] = value
    return model.model_validate({k: v for k, v in data.items() if v is not None})


def FACTS(definition: Definitions) -> dict[str, type[Fact]]:  # noqa: N802 (was a table; same name)
    """The typed fact of every fact a run of `definition` waits for, by name."""
    from .position import step_fact

    out: dict[str, type[Fact]] = {}
    for d in definitions_of(definition):
        for step in d.steps:
            kind = step_fact(step, d)
            if kind is not None and kind not in out:
                out[kind] = fact_model(kind, definition)
    return out
