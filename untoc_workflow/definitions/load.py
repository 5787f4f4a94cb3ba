"""Load and check process definitions, reporting every problem with file:line and a hint."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..core.rules import ENGINE_FACTS
from ..errors import InputError, Problem, did_you_mean, problems_from_validation
from ..yamlsource import Located, load_file
from .process import ProcessDefinition

BUNDLED_DEFS = Path(__file__).resolve().parents[1] / "process_defs"

# The edges (untoc_workflow.wiring) register checks that need other layers' knowledge, e.g.
# notify's: that every rung's template exists and renders with the fields a notice has.
# Each returns problems.
DefinitionCheck = Callable[[ProcessDefinition, Located], Iterable[Problem]]
_extra_checks: list[DefinitionCheck] = []


def register_check(check: DefinitionCheck) -> DefinitionCheck:
    _extra_checks.append(check)
    return check


def process_defs_dir() -> Path:
    return Path(os.environ.get("UNTOC_PROCESS_DEFS") or BUNDLED_DEFS)


def load_process(path: str | Path | None = None) -> ProcessDefinition:
    """Parse and check one process definition file; without a path, the default process
    (country_review, its first version) of the definitions folder. InputError lists every
    problem. To fold reviews, prefer `load_definitions()`: every version, side by side."""
    if path is None:
        from .catalog import load_definitions

        return load_definitions().default
    return parse_process(load_file(Path(path)))


def parse_process(located: Located) -> ProcessDefinition:
    if not isinstance(located.data, dict):
        raise InputError(
            [Problem("a process definition must be a mapping", file=located.file, line=1)]
        )
    definition = validate_located(ProcessDefinition, located, "the process definition")
    problems = list(check_graph(definition, located))
    for check in _extra_checks:
        problems.extend(check(definition, located))
    if problems:
        raise InputError(problems, title=f"{located.file}: the process definition has errors")
    return definition


M = TypeVar("M", bound=BaseModel)


def validate_located(model: type[M], located: Located, what: str) -> M:
    """Validate a located document against a model; errors carry file:line, the dotted path,
    the allowed keys and a "did you mean"."""
    try:
        return model.model_validate(located.data)
    except ValidationError as exc:
        raise InputError(
            problems_from_validation(
                exc,
                file=located.file,
                lines=located.lines,
                allowed_keys=lambda loc: allowed_keys(model, loc),
            ),
            title=f"{located.file}: {what} has errors",
        ) from exc


def check_graph(definition: ProcessDefinition, located: Located) -> Iterable[Problem]:
    """Unknown references, duplicate ids, unknown stages and events, cycles, unstartable steps."""
    ids = [s.id for s in definition.steps]
    facts = [*definition.facts, *ENGINE_FACTS]
    by_id = {s.id: s for s in definition.steps}

    def at(path: str, message: str, hint: str | None = None) -> Problem:
        return Problem(message, path=path, file=located.file, line=located.line_of(path), hint=hint)

    seen: set[str] = set()
    for i, step in enumerate(definition.steps):
        if step.id in seen:
            yield at(f"steps[{i}].id", f"step id {step.id!r} is used twice")
        seen.add(step.id)
        after = step.starts.after
        if after is not None and after not in ids:
            yield at(
                f"steps[{i}].starts.after", f"unknown step {after!r}", did_you_mean(after, ids)
            )
        if after == step.id:
            yield at(f"steps[{i}].starts.after", f"step {step.id!r} cannot start after itself")
        if (
            step.stage_on_completion is not None
            and step.stage_on_completion not in definition.stages
        ):
            yield at(
                f"steps[{i}].stage_on_completion",
                f"unknown stage {step.stage_on_completion!r}; "
                f"stages: {', '.join(definition.stages)}",
                did_you_mean(step.stage_on_completion, definition.stages),
            )
        event = step.completed_by.event
        if event is not None and event not in facts:
            yield at(
                f"steps[{i}].completed_by.event",
                f"unknown event type {event!r}",
                did_you_mean(event, facts) or "declare it under `facts:`",
            )
        if step.starts.fact is not None and step.starts.fact not in facts:
            yield at(
                f"steps[{i}].starts.fact",
                f"unknown event type {step.starts.fact!r}",
                did_you_mean(step.starts.fact, facts) or "declare it under `facts:`",
            )
        if step.agreed_at is not None:
            fact = definition.facts.get(step.agreed_at)
            if fact is None:
                yield at(
                    f"steps[{i}].agreed_at",
                    f"unknown event type {step.agreed_at!r}",
                    did_you_mean(step.agreed_at, definition.facts),
                )
            elif not any(f.type == "agreed" for f in fact.fields.values()):
                yield at(
                    f"steps[{i}].agreed_at",
                    f"the fact {step.agreed_at!r} has no field of type `agreed`",
                    "add e.g. `agreed: {type: agreed, optional: true}` to its fields",
                )
        yield from _check_waiting(step, f"steps[{i}].waiting_for", at)
        if step.extendable and step.duration is None:
            yield at(
                f"steps[{i}].extendable",
                "only a step with a `duration` has a deadline to extend",
            )
    for name, fact in definition.facts.items():
        if name in ENGINE_FACTS:
            yield at(
                f"facts.{name}",
                f"{name!r} is a fact of the engine; a process cannot declare it again",
            )
        for field_name, spec in fact.fields.items():
            if spec.at_most is not None and spec.at_most not in fact.fields:
                yield at(
                    f"facts.{name}.fields.{field_name}.at_most",
                    f"unknown field {spec.at_most!r}",
                    did_you_mean(spec.at_most, fact.fields),
                )
            if field_name in ("on", "type", "review", "id", "note") or (
                field_name == "party" and fact.scope == "party"
            ):
                yield at(
                    f"facts.{name}.fields.{field_name}",
                    f"{field_name!r} is a field every fact has; choose another name",
                )
    for i, step in enumerate(definition.steps):
        after = step.starts.after
        if after is not None and after in by_id and by_id[after].optional:
            yield at(
                f"steps[{i}].starts.after",
                f"step {after!r} is optional: a step after it might never start",
                "start it after the step before the optional one",
            )

    # Cycles: follow `after` links; a step on a cycle can never start.
    for i, step in enumerate(definition.steps):
        chain = [step.id]
        current = step
        while current.starts.after is not None and current.starts.after in by_id:
            nxt = current.starts.after
            if nxt in chain:
                loop = " -> ".join([*chain[chain.index(nxt) :], nxt])
                if nxt == step.id:
                    yield at(
                        f"steps[{i}].starts.after",
                        f"steps form a cycle and can never start: {loop}",
                        "one step of the cycle must start at review_start",
                    )
                break
            chain.append(nxt)
            current = by_id[nxt]


def _check_waiting(step: Any, path: str, at: Callable[..., Problem]) -> Iterable[Problem]:
    """Whom a step waits for fits how it completes: a step each reviewer completes waits
    for the reviewers (those yet to send their part); only such a step has parts pending."""
    use = step.waiting_for
    each = step.completed_by.from_ == "each_reviewer"
    roles = getattr(use.params, "roles", None)
    if each and (use.rule != "parties" or roles != ("reviewers",)):
        yield at(
            path,
            "a step completed by each reviewer waits for reviewers",
            "use waiting_for: reviewers_pending",
        )
    if getattr(use.params, "pending", False) and not each:
        yield at(
            f"{path}.pending" if use.shorthand is None else path,
            "`pending` counts the parts each reviewer sends of the step's fact; this step "
            "is not completed by each reviewer",
            "add `from: each_reviewer` to its `completed_by`, or leave `pending` out",
        )


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...] | list[Any]) -> list[str]:
    """The keys a model accepts at `loc` (used to list them when an unknown key is found)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if field is None:
            # alias lookup
            fields = getattr(current, "model_fields", {})
            field = next((f for f in fields.values() if f.alias == part), None)
            if field is None:
                return []
        current = _inner_model(field.annotation)
        if current is None:
            return []
    if not hasattr(current, "model_fields"):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
