"""The events a mechanism file accepts: the engine's own facts, and the facts each loaded
process declares under `facts:`, as pydantic models built from the definitions.

A review's events are accepted when its process declares them (or the engine knows them);
the contract facts of mechanism-file.md are the vocabulary of the bundled country review.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt, create_model, field_validator, model_validator

from ..definitions import ProcessCatalog
from ..definitions.process import Fact, FactField
from ..languages import Language
from ..yamlsource import MAX_INT_DIGITS
from . import models as m
from .fast import Reader, engine_readers, fact_reader


def _unique_languages(cls: Any, v: list[str]) -> list[str]:
    return m._unique(v, "language")


def _field(name: str, spec: FactField, agreed_steps: tuple[str, ...], fact: str) -> Any:
    """(annotation, default) of one declared field."""
    kind = spec.type
    annotation: Any
    info: dict[str, Any] = {}
    if kind == "text" or kind == "email":
        annotation = m.Text
    elif kind == "int":
        annotation = StrictInt
        # the bound a file's reader holds every integer to, for the doors that read no file
        # (`untoc record --count`, a Prefect form): what the store keeps, an export gives back
        info["le"] = 10**MAX_INT_DIGITS - 1
        if spec.min is not None:
            info["ge"] = spec.min
    elif kind == "date":
        annotation = m.IsoDate
    elif kind == "party":
        annotation = m.PartyCode
    elif kind == "languages":
        annotation = list[Language]
        info.update(max_length=3, description="0-3 codes; empty = no agreement")
    elif kind == "list":  # names: the assessors of a visit
        annotation = list[m.Text]
        info.update(max_length=100)
    else:  # agreed: a date per step whose date may be agreed at this fact
        annotation = create_model(
            f"{_camel(fact)}Agreed",
            __base__=m._Model,
            **{step: (m.IsoDate | None, None) for step in agreed_steps},  # type: ignore[call-overload]
        )
    if spec.title.get("en"):
        info["description"] = spec.title["en"]
    if spec.optional:
        return (annotation | None, Field(None, **info))
    return (annotation, Field(..., **info))


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def fact_model(name: str, fact: Fact, agreed_steps: tuple[str, ...] = ()) -> type[BaseModel]:
    """A pydantic model of one declared fact, as a mechanism file writes it."""
    fields: dict[str, Any] = {"type": (Literal[name], Field(...))}
    if fact.scope == "review":
        fields["review"] = (m.Text, Field(...))
    else:
        fields["party"] = (m.PartyCode, Field(...))
    for field_name, spec in fact.fields.items():
        fields[field_name] = _field(field_name, spec, agreed_steps, name)
    validators: dict[str, Any] = {}
    if any(spec.type == "languages" for spec in fact.fields.values()):
        names = [f for f, spec in fact.fields.items() if spec.type == "languages"]
        validators["_languages_unique"] = field_validator(*names)(classmethod(_unique_languages))
    bounds = {f: spec.at_most for f, spec in fact.fields.items() if spec.at_most}
    order = {f: spec.after for f, spec in fact.fields.items() if spec.after}
    if order:

        def _in_order(self: Any) -> Any:
            for late, early in order.items():
                a, b = getattr(self, late), getattr(self, early)
                if a is not None and b is not None and a < b:
                    raise ValueError(f"{late} ({a}) cannot be before {early} ({b})")
            return self

        validators["_fields_in_order"] = model_validator(mode="after")(_in_order)
    if bounds:

        def _within(self: Any) -> Any:
            for low, high in bounds.items():
                a, b = getattr(self, low), getattr(self, high)
                if a is not None and b is not None and a > b:
                    raise ValueError(f"{low} ({a}) cannot exceed {high} ({b})")
            return self

        validators["_within_bounds"] = model_validator(mode="after")(_within)
    model = create_model(
        _camel(name),
        __base__=m._Event,
        __validators__=validators,
        __doc__=fact.label() or None,
        **fields,
    )
    return model


class EventVocabulary:
    """Every event model a mechanism file may use with the loaded definitions."""

    def __init__(self, catalog: ProcessCatalog) -> None:
        self.catalog = catalog
        self.models: dict[str, type[BaseModel]] = dict(m.EVENT_MODELS)
        self.declared: dict[str, Fact] = {}
        # Each (process, version) reads a fact name in its own declaration: a name two
        # processes declare with other fields has a model per declaration, and a review's
        # fact is validated with its process's (`model_for`). `models` keeps, per name, the
        # latest version's declaration: a fact of no review (a Party's) and the schema.
        self._by_process: dict[tuple[str, int], dict[str, type[BaseModel]]] = {}
        built: dict[tuple[str, str, tuple[str, ...]], type[BaseModel]] = {}
        # each model's plain reader (fast.py), for the events that need no model object
        self.readers: dict[type[Any], Reader] = engine_readers()
        # which processes (any version) declare a fact, for the per-review check
        self.declaring: dict[str, set[tuple[str, int]]] = {}
        for definition in catalog:
            own: dict[str, type[BaseModel]] = {}
            for name, fact in definition.facts.items():
                agreed = definition.agreed_steps(name) if fact.fields else ()
                key = (name, fact.model_dump_json(), tuple(agreed))
                model = built.get(key)
                if model is None:
                    model = built[key] = fact_model(name, fact, tuple(agreed))
                    reader = fact_reader(fact, tuple(agreed))
                    if reader is not None:
                        self.readers[model] = reader
                own[name] = model
                self.declaring.setdefault(name, set()).add(definition.key)
            self._by_process[definition.key] = own
        for definition in reversed(list(catalog)):
            for name, fact in definition.facts.items():
                if name not in self.declared:
                    self.declared[name] = fact
                    self.models[name] = self._by_process[definition.key][name]
        # names whose declarations differ between processes: only those need the review
        self.ambiguous: frozenset[str] = frozenset(
            name
            for name in self.declaring
            if len({self._by_process[k][name] for k in self.declaring[name]}) > 1
        )
        # a million events: each model's fields laid out once (all but `party`)
        self._layouts: dict[type[BaseModel], tuple[tuple[str, str], ...]] = {}
        for definition in catalog:
            for name, fact in definition.facts.items():
                self._layouts[self._by_process[definition.key][name]] = tuple(
                    (f, spec.type) for f, spec in fact.fields.items() if f != "party"
                )
        # a review may record the facts of its version, and those of the process's later
        # versions, since a migration recorded in the store may have moved it there
        self._accepted: dict[tuple[str, int], frozenset[str]] = {
            definition.key: frozenset(
                [
                    *m.EVENT_MODELS,
                    *(
                        name
                        for later in catalog
                        if later.process == definition.process
                        and later.version >= definition.version
                        for name in later.facts
                    ),
                ]
            )
            for definition in catalog
        }

    def accepted(self, process: str, version: int) -> frozenset[str]:
        """Every fact a review of (process, version) may record."""
        return self._accepted.get((process, version), frozenset(m.EVENT_MODELS))

    def model(self, kind: str) -> type[BaseModel] | None:
        return self.models.get(kind)

    def model_for(self, kind: str, process: str, version: int) -> type[BaseModel] | None:
        """The model of `kind` as (process, version) declares it, else the engine's or the
        latest declaration's (a fact the review's process does not declare is refused by
        `accepts`)."""
        own = self._by_process.get((process, version))
        found = own.get(kind) if own is not None else None
        if found is None and own is not None:
            # a later version of the process (a migration may have moved the review there)
            for (p, v), later in sorted(self._by_process.items()):
                if p == process and v > version and kind in later:
                    return later[kind]
        return found or self.models.get(kind)

    def is_party_fact(self, kind: str) -> bool:
        fact = self.declared.get(kind)
        return fact is not None and fact.scope == "party"

    def accepts(self, kind: str, process: str, version: int) -> bool:
        """Whether a review of (process, version) may record this fact."""
        return kind in self.accepted(process, version)

    def data_of(self, kind: str, event: Any) -> dict[str, Any] | None:
        """The core Event's `data` of a declared fact: every field but `party`, agreed
        dates as a plain mapping (empty when none), dates kept as dates."""
        layout = self._layouts.get(type(event))
        if layout is None:
            return None
        data: dict[str, Any] = {}
        if not layout:
            return data
        values: Mapping[str, Any] = event.__dict__
        for name, kind_of in layout:
            value = values.get(name)
            if kind_of == "agreed":
                value = value.model_dump(exclude_none=True) if value is not None else {}
            elif kind_of in ("languages", "list") and value is not None:
                value = list(value)
            elif isinstance(value, date):
                value = value.isoformat()
            data[name] = value
        return data
