"""Load and check process definitions, reporting every problem with file:line and a hint."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..core.rules import ENGINE_FACTS
from ..errors import InputError, Problem, did_you_mean, problems_from_validation
from ..yamlsource import Located, load_file
from .process import ProcessDefinition, role_form_problems

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
    """The first definitions folder of the settings (environment, then untoc.toml: one
    reading for every command): where the user's own files are looked for first."""
    from ..settings import load_settings

    return load_settings().process_defs


def process_defs_folders() -> tuple[Path, ...]:
    """Every definitions folder of the settings, the bundled one last."""
    from ..settings import load_settings

    return load_settings().definitions_folders


def defs_file(
    name: str,
    folders: Iterable[Path] | Path | None = None,
    accept: Callable[[Path], bool] | None = None,
) -> Path:
    """`name` (a file or a folder: templates, calendar.yaml, mechanism.yaml, decisions) in
    the first definitions folder holding one that `accept`s, else the bundled one's: a
    folder holding a new process alone needs no copy of the bundled templates."""
    if folders is None:
        folders = process_defs_folders()
    elif isinstance(folders, Path | str):
        folders = (Path(folders),)
    for folder in folders:
        path = Path(folder) / name
        if path.exists() and (accept is None or accept(path)):
            return path
    return BUNDLED_DEFS / name


def is_mechanism_rules(path: Path) -> bool:
    """Whether a `mechanism.yaml` declares the Mechanism's rules (`mechanism:` at its top),
    not a mechanism file of parties and reviews kept beside a process (`format:`)."""
    try:
        with path.open(encoding="utf-8") as f:
            head = f.read(64_000)
    except OSError:
        return False
    return any(line.startswith("mechanism:") for line in head.splitlines())


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
    problems = _as_written(problems, definition, located)
    if problems:
        raise InputError(problems, title=f"{located.file}: the process definition has errors")
    return definition


_STEP_PATH = re.compile(r"^steps\[(\d+)\]")


def _as_written(
    problems: list[Problem], definition: ProcessDefinition, located: Located
) -> list[Problem]:
    """Each problem at the step the file writes: the checks read a repeating step as its
    occurrences (`progress_update_1`, `_2`...), so every step after it would be named by
    the wrong index and line, and a mistake in the repeating step said once per occurrence."""
    raw = located.data.get("steps")
    written: list[int] = []
    for i, step in enumerate(raw if isinstance(raw, list) else []):
        repeat = step.get("repeat") if isinstance(step, dict) else None
        times = repeat.get("times") if isinstance(repeat, dict) else None
        written.extend([i] * (times if isinstance(times, int) and times > 0 else 1))
    if len(written) != len(definition.steps):
        return problems
    seen: set[tuple[str, str]] = set()
    kept: list[Problem] = []
    for problem in problems:
        m = _STEP_PATH.match(problem.path)
        if m is not None and written[int(m[1])] != int(m[1]):
            path = f"steps[{written[int(m[1])]}]" + problem.path[m.end() :]
            problem = replace(problem, path=path, line=located.line_of(path))
        if (problem.path, problem.message) not in seen:
            seen.add((problem.path, problem.message))
            kept.append(problem)
    return kept


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
        several = isinstance(step.starts.after, tuple)
        for j, after in enumerate(step.starts.afters):
            where = f"steps[{i}].starts.after" + (f"[{j}]" if several else "")
            if after not in ids:
                yield at(where, f"unknown step {after!r}", did_you_mean(after, ids))
            if after == step.id:
                yield at(where, f"step {step.id!r} cannot start after itself")
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
        counted = step.starts.counted_from
        if counted is not None:
            declared = definition.facts.get(counted.fact)
            field = declared.fields.get(counted.field) if declared is not None else None
            if declared is None:
                yield at(
                    f"steps[{i}].repeat.from.fact",
                    f"unknown event type {counted.fact!r}",
                    did_you_mean(counted.fact, definition.facts) or "declare it under `facts:`",
                )
            elif field is None or field.type != "date":
                yield at(
                    f"steps[{i}].repeat.from.field",
                    f"{counted.fact} has no date field {counted.field!r}",
                    "declare it under the fact's `fields:` with `type: date`",
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
    # a role's title without its article, its definite form with it (process.py)
    for role, message in role_form_problems(definition.roles):
        yield at(f"roles.{role}", message)
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
        for after in step.starts.afters:
            if after in by_id and by_id[after].optional:
                yield at(
                    f"steps[{i}].starts.after",
                    f"step {after!r} is optional: a step after it might never start",
                    "start it after the step before the optional one",
                )

    # Every stage but the first is reached by a step's completion, or no review shows it.
    reached = {s.stage_on_completion for s in definition.steps if s.stage_on_completion}
    for i, stage in enumerate(definition.stages):
        if i and stage not in reached:
            yield at(
                f"stages[{i}]",
                f"no step reaches stage {stage!r}",
                "name it in a step's `stage_on_completion`, or remove it",
            )
        elif definition.stages.index(stage) != i:
            yield at(f"stages[{i}]", f"stage {stage!r} is listed twice")

    # Cycles: follow `after` links; a step on a cycle can never start.
    for i, step in enumerate(definition.steps):
        loop = _cycle_through(step.id, by_id)
        if loop:
            yield at(
                f"steps[{i}].starts.after",
                f"steps form a cycle and can never start: {' -> '.join(loop)}",
                "one step of the cycle must start at review_start",
            )
    # facts in order: the facts named exist; a date field after another date field
    for name, fact in definition.facts.items():
        for before in fact.after:
            if before not in facts:
                yield at(
                    f"facts.{name}.after", f"unknown fact {before!r}", did_you_mean(before, facts)
                )
            elif before == name:
                yield at(f"facts.{name}.after", f"fact {name!r} cannot come after itself")
        for field_name, spec in fact.fields.items():
            if spec.after is None:
                continue
            other = fact.fields.get(spec.after)
            if spec.type != "date" or other is None or other.type != "date":
                yield at(
                    f"facts.{name}.fields.{field_name}.after",
                    f"`after` orders two date fields of the fact; {spec.after!r} is not one",
                    did_you_mean(spec.after, fact.fields),
                )


def _cycle_through(start: str, by_id: dict[str, Any]) -> list[str]:
    """A path of `after` links from `start` back to itself, or []."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        for nxt in by_id[current].starts.afters if current in by_id else ():
            if nxt == start:
                return [*path, nxt]
            if nxt not in seen and nxt in by_id:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return []


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
