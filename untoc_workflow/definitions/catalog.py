"""Every version of every process, loaded side by side.

Each YAML file of the definitions folder with a top-level `process:` is a definition; all
of them stay loaded, so a review folds with the (process, version) it records (or the one a
dated migration moved it to) and a new version never changes a past state.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..core.rules import ENGINE_FACTS
from ..errors import InputError, Problem, did_you_mean
from ..yamlsource import load_file
from .process import ProcessDefinition, Step

DEFAULT_PROCESS = "country_review"  # mechanism-file.md: a review without `process` runs it
_SKIPPED_FOLDERS = ("templates", "decisions")


class ProcessCatalog:
    """The loaded definitions, by (process, version).

    It is not a definition: code that folds reviews hands the catalog to the core, which
    picks each review's own version; code about one review asks `for_review(review)`.
    """

    def __init__(
        self,
        definitions: Mapping[tuple[str, int], ProcessDefinition],
        default: str = DEFAULT_PROCESS,
    ) -> None:
        if not definitions:
            raise InputError("no process definition found")
        self.definitions = dict(sorted(definitions.items()))
        self.default_process = (
            default
            if any(k[0] == default for k in definitions)
            else next(iter(self.definitions))[0]
        )

    # -- lookups ---------------------------------------------------------------------------

    def get(self, process: str, version: int) -> ProcessDefinition | None:
        return self.definitions.get((process, version))

    def resolve(self, process: str | None, version: int | None) -> ProcessDefinition:
        """The definition a review records; InputError names what is loaded (a store may
        hold reviews of a version whose file was since removed from the folder)."""
        process = process or self.default_process
        found = self.definitions.get((process, version or 1))
        if found is None:
            loaded = ", ".join(d.ref for d in self)
            raise InputError(
                [
                    Problem(
                        f"reviews run {process}@{version or 1}, which is not loaded",
                        hint=f"loaded: {loaded}; put its definition back in the folder",
                    )
                ]
            )
        return found

    def for_review(self, review: Any) -> ProcessDefinition:
        return self.resolve(getattr(review, "process", None), review.process_version)

    def versions(self, process: str) -> tuple[int, ...]:
        return tuple(v for p, v in self.definitions if p == process)

    @property
    def processes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p for p, _ in self.definitions))

    def latest(self, process: str) -> ProcessDefinition:
        return self.definitions[(process, max(self.versions(process)))]

    def parse_ref(self, ref: str) -> ProcessDefinition:
        """`country_review@2` -> that definition; InputError naming what is loaded."""
        process, _, version = ref.partition("@")
        loaded = [d.ref for d in self]
        if not version.isdigit():
            raise InputError(
                [Problem(f"{ref!r} is not PROCESS@VERSION", hint=f"loaded: {', '.join(loaded)}")]
            )
        found = self.get(process, int(version))
        if found is None:
            raise InputError(
                [
                    Problem(
                        f"no process definition {ref!r} is loaded",
                        hint=did_you_mean(ref, loaded) or f"loaded: {', '.join(loaded)}",
                    )
                ]
            )
        return found

    def __iter__(self) -> Iterator[ProcessDefinition]:
        return iter(self.definitions.values())

    def __len__(self) -> int:
        return len(self.definitions)

    # -- the vocabulary across processes -----------------------------------------------------

    @property
    def fact_names(self) -> tuple[str, ...]:
        """Every fact name the engine or a loaded process knows (to say "did you mean")."""
        names = [*ENGINE_FACTS]
        for definition in self:
            names.extend(n for n in definition.facts if n not in names)
        return tuple(names)

    def processes_declaring(self, fact: str) -> tuple[ProcessDefinition, ...]:
        return tuple(d for d in self if fact in d.facts)

    # The catalog is not a definition: it has no steps, stages, facts or title of its own.
    # A review's are its own (process, version)'s (`for_review`, `resolve`); what speaks
    # of no review (a sample's summary) asks for the default process by name (`default`).

    @property
    def default(self) -> ProcessDefinition:
        """The default process's first version: a review that names no process runs it."""
        return self.resolve(self.default_process, min(self.versions(self.default_process)))


def definitions_of(
    definitions: ProcessCatalog | ProcessDefinition,
) -> tuple[ProcessDefinition, ...]:
    """Every loaded definition, the default process's first version first; or the one given."""
    if isinstance(definitions, ProcessCatalog):
        default = definitions.default
        return (default, *(d for d in definitions if d is not default))
    return (definitions,)


def steps_by_key(
    definitions: ProcessCatalog | ProcessDefinition,
) -> dict[tuple[str, int, str], Step]:
    """Every loaded step by (process, version, step id): a step's title and ladder are read
    in its review's own definition, never found by id in another process."""
    return {(d.process, d.version, s.id): s for d in definitions_of(definitions) for s in d.steps}


def steps_by_id(definitions: ProcessCatalog | ProcessDefinition) -> dict[str, Step]:
    """Steps by id alone, the default process first, then the others (newest first): only
    for code that holds a bare step id (a notice records no process). Two processes using
    one step id: the first wins. Prefer `steps_by_key` with the review's process."""
    ordered = definitions_of(definitions)
    out: dict[str, Step] = {}
    for d in (ordered[0], *reversed(ordered[1:])):
        for s in d.steps:
            out.setdefault(s.id, s)
    return out


_cache: dict[tuple[str, tuple[tuple[str, float, int], ...]], ProcessCatalog] = {}


def definition_files(folder: Path) -> list[Path]:
    """YAML files of the folder (and its subfolders, but templates and decisions)."""
    out = []
    for path in sorted(folder.rglob("*.y*ml")):
        rel = path.relative_to(folder).parts
        if rel[0] in _SKIPPED_FOLDERS or path.suffix not in (".yaml", ".yml"):
            continue
        out.append(path)
    return out


def load_definitions(folder: str | Path | None = None) -> ProcessCatalog:
    """Every process definition of the folder (default: UNTOC_PROCESS_DEFS or the bundled
    one), checked; InputError lists every problem, and a (process, version) found twice."""
    from .load import parse_process, process_defs_dir

    folder = Path(folder) if folder else process_defs_dir()
    if not folder.is_dir():
        raise InputError([Problem(f"{folder}: no such folder of process definitions")])
    files = definition_files(folder)
    stamp = tuple((str(p), p.stat().st_mtime, p.stat().st_size) for p in files)
    cached = _cache.get((str(folder), stamp))
    if cached is not None:
        return cached
    found: dict[tuple[str, int], ProcessDefinition] = {}
    where: dict[tuple[str, int], Path] = {}
    problems: list[Problem] = []
    for path in files:
        located = load_file(path)
        if not isinstance(located.data, dict) or "process" not in located.data:
            continue
        try:
            definition = parse_process(located)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if definition.key in found:
            problems.append(
                Problem(
                    f"{definition.ref} is defined twice (also in {where[definition.key]})",
                    path="version",
                    file=str(path),
                    line=located.line_of("version"),
                    hint="a new version needs a new `version:` number",
                )
            )
            continue
        found[definition.key] = definition
        where[definition.key] = path
    if problems:
        raise InputError(problems, title=f"{folder}: the process definitions have errors")
    catalog = ProcessCatalog(found)
    _cache[(str(folder), stamp)] = catalog
    return catalog
