"""What a fact asks for, in the definition's terms: the inputs of a fact a run waits for.

A process declares its facts with typed fields (`definitions.fact_fields`); the engine's own
focal point nomination is declared here in the same `FieldSpec` terms, since it belongs to
the engine, not to a process. Each input has a key (a form's field, a Python name) and the
path where its value goes in the mechanism-file event: an `agreed.<step>` date goes under
`agreed`, a focal point's name under `person`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ..definitions import FieldSpec, ProcessCatalog, ProcessDefinition, fact_fields
from ..definitions.catalog import Definitions

# Field types the engine's own fact uses beside the declared ones: one UN language, and the
# person's gender as the mechanism file takes it.
GENDERS = ("female", "male", "other")


@dataclass(frozen=True)
class FactInput:
    """One input of a fact: its key in a form, its place in the event, its typed field."""

    key: str
    path: tuple[str, ...]
    spec: FieldSpec


@dataclass(frozen=True)
class FactShape:
    """A fact as a run takes it: whether it belongs to a review or a Party, and its inputs
    (a Party's fact starts with its `party`)."""

    kind: str
    scope: str  # review | party
    title: Mapping[str, str]
    inputs: tuple[FactInput, ...]

    def input(self, key: str) -> FactInput | None:
        return next((i for i in self.inputs if i.key == key), None)


def _person(name: str, type_: str, optional: bool, title: str) -> FactInput:
    return FactInput(name, ("person", name), FieldSpec(name, type_, optional, {"en": title}))


_PARTY = FieldSpec("party", "party", False, {"en": "Party"})

# The engine's focal point nomination (mechanism-file.md): a Party names a person.
FOCAL_POINT_NOMINATED = "focal_point_nominated"
_ENGINE_SHAPES = {
    FOCAL_POINT_NOMINATED: FactShape(
        FOCAL_POINT_NOMINATED,
        "party",
        {"en": "Focal point nominated"},
        (
            FactInput("party", ("party",), _PARTY),
            _person("name", "text", False, "Name of the focal point"),
            _person("email", "email", False, "Email address"),
            _person("ministry", "text", True, "Ministry or institution"),
            _person("language", "language", True, "Working language"),
            _person("gender", "gender", True, "Gender"),
            FactInput(
                "replaces",
                ("replaces",),
                FieldSpec("replaces", "email", True, {"en": "Email of the focal point replaced"}),
            ),
        ),
    )
}


def _declared(definition: ProcessDefinition, kind: str) -> FactShape:
    fact = definition.facts[kind]
    inputs = [
        FactInput(s.name.replace(".", "_"), tuple(s.name.split(".")), s)
        for s in fact_fields(definition, kind)
    ]
    if fact.scope == "party" and not any(i.key == "party" for i in inputs):
        inputs.insert(0, FactInput("party", ("party",), _PARTY))
    return FactShape(kind, fact.scope, dict(fact.title), tuple(inputs))


def definitions_of(definition: Definitions) -> tuple[ProcessDefinition, ...]:
    """The definitions behind `definition`: every loaded version of a catalog, or itself."""
    if isinstance(definition, ProcessCatalog):
        return tuple(definition)
    return (definition,)


def fact_shape(definition: Definitions, kind: str) -> FactShape:
    """The inputs of fact `kind` in `definition` (one definition, or a catalog: then the
    inputs of every version declaring it, the newest first). KeyError for a fact without
    inputs a run takes (an unknown fact, or an engine fact no step waits for)."""
    if kind in _ENGINE_SHAPES:
        return _ENGINE_SHAPES[kind]
    declaring = [d for d in reversed(definitions_of(definition)) if kind in d.facts]
    if not declaring:
        raise KeyError(kind)
    shapes = [_declared(d, kind) for d in declaring]
    inputs = {i.key: i for s in reversed(shapes) for i in s.inputs}
    newest = shapes[0]
    ordered = [*newest.inputs, *(i for k, i in inputs.items() if newest.input(k) is None)]
    return FactShape(kind, newest.scope, newest.title, tuple(ordered))
