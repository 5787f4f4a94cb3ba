"""Which questionnaire a step of a process asks for, as the definition declares it (a step's
`questionnaire:` key: one workbook, or one per cluster), read once per file version."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .form import Form, read_form

if TYPE_CHECKING:
    from ..definitions import ProcessDefinition
    from ..errors import Problem
    from ..yamlsource import Located

_forms: dict[tuple[str, float, int], Form] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Attached:
    """One questionnaire a definition attaches to one of its steps."""

    process: str
    version: int
    step: str
    cluster: int | None  # None: every cluster
    file: Path
    completed_by: str | None  # the fact the step's completion records

    @property
    def relative(self) -> str:
        return self.file.name


def attachments(catalog: Any, folder: Path) -> list[Attached]:
    """Every questionnaire of every loaded process version, in the catalog's order."""
    out: list[Attached] = []
    for definition in _definitions(catalog):
        for step in definition.steps:
            for cluster, file in _files(step.questionnaire):
                event = getattr(step.completed_by, "event", None)
                out.append(
                    Attached(
                        definition.process,
                        definition.version,
                        step.id,
                        cluster,
                        (folder / file).resolve(),
                        str(event) if event else None,
                    )
                )
    return out


def _definitions(catalog: Any) -> list[Any]:
    found = getattr(catalog, "definitions", None)
    return list(found.values()) if found is not None else [catalog]


def _files(value: str | dict[int, str] | None) -> list[tuple[int | None, str]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [(None, value)]
    return sorted(value.items())


def step_file(step: Any, cluster: int, folder: Path) -> Path | None:
    """The workbook a review of `cluster` answers at `step`, or None."""
    for c, file in _files(getattr(step, "questionnaire", None)):
        if c is None or c == cluster:
            return (folder / file).resolve()
    return None


def load(path: Path) -> Form:
    """The form of `path`, read and checked once per version of the file."""
    stat = path.stat()
    key = (str(path), stat.st_mtime, stat.st_size)
    with _lock:
        found = _forms.get(key)
    if found is not None:
        return found
    form = read_form(path, shown_as=path.name)
    with _lock:
        _forms[key] = form
    return form


def definition_of(catalog: Any, review: Any) -> Any:
    """The definition a review folds with (its own process and version)."""
    for_review = getattr(catalog, "for_review", None)
    return for_review(review) if for_review is not None else catalog


def check_definition(definition: ProcessDefinition, located: Located) -> list[Problem]:
    """A definition's questionnaires exist (the definition fails, located, when one is
    missing): looked for from the definition file's folder up, as the folder of process
    definitions holds its files at its top. `untoc questionnaire check` reads them whole."""
    from ..errors import Problem

    problems = []
    here = Path(located.file).resolve().parent
    for i, step in enumerate(definition.steps):
        for cluster, file in _files(step.questionnaire):
            if any((folder / file).is_file() for folder in (here, *here.parents)):
                continue
            path = f"steps[{i}].questionnaire" + (f".{cluster}" if cluster is not None else "")
            problems.append(
                Problem(
                    f"step {step.id!r}: no questionnaire {file!r}",
                    path=path,
                    file=located.file,
                    line=located.line_of(path),
                    hint="a path relative to the folder of process definitions",
                )
            )
    return problems
