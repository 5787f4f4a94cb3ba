"""The facts a step accepts, with typed fields and titles: what a form (Prefect's input
form, `untoc record`'s options, a portal page) is generated from.

Public API: `step_facts(definition, step_id)` and `fact_fields(definition, fact)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .process import ProcessDefinition


@dataclass(frozen=True)
class FieldSpec:
    """One input of a fact: `type` is text | int | date | party | languages | email; the
    dates of an `agreed` field come out as one optional date field per step (`agreed.saq`)."""

    name: str
    type: str
    optional: bool
    title: dict[str, str] = field(default_factory=dict)
    min: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "optional": self.optional,
            "title": dict(self.title),
            "min": self.min,
        }


@dataclass(frozen=True)
class StepFact:
    """A fact that completes, starts or agrees the date of a step, and who records it."""

    fact: str
    scope: str  # review | party
    title: dict[str, str]
    role: str  # completes | starts | agrees
    source: str  # any | reviewed | each_reviewer | any_reviewer | secretariat
    fields: tuple[FieldSpec, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "scope": self.scope,
            "title": dict(self.title),
            "role": self.role,
            "from": self.source,
            "fields": [f.as_dict() for f in self.fields],
        }


def fact_fields(definition: ProcessDefinition, name: str) -> tuple[FieldSpec, ...]:
    """The inputs of a declared fact beside `on`, `review`/`party`, `id` and `note`."""
    fact = definition.facts[name]
    out: list[FieldSpec] = []
    for field_name, spec in fact.fields.items():
        if spec.type == "agreed":
            for step_id in definition.agreed_steps(name):
                step = definition.step(step_id)
                # titled by the step whose date is agreed; a form groups them under the fact
                out.append(FieldSpec(f"{field_name}.{step_id}", "date", True, dict(step.title)))
            continue
        out.append(FieldSpec(field_name, spec.type, spec.optional, dict(spec.title), spec.min))
    return tuple(out)


def step_facts(definition: ProcessDefinition, step_id: str) -> list[StepFact]:
    """The facts that complete the step, start it (a conditional step) or agree its date."""
    step = definition.step(step_id)
    found: list[tuple[str, str, str]] = []
    if step.completed_by.event:
        found.append((step.completed_by.event, "completes", step.completed_by.from_))
    if step.starts.fact:
        found.append((step.starts.fact, "starts", "any"))
    if step.agreed_at:
        found.append((step.agreed_at, "agrees", "any"))
    out = []
    for name, role, source in found:
        fact = definition.facts.get(name)
        if fact is None:  # an engine fact: nothing a process form asks for
            continue
        out.append(
            StepFact(
                name, fact.scope, dict(fact.title), role, source, fact_fields(definition, name)
            )
        )
    return out
