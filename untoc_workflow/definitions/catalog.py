"""Every version of every process, loaded side by side.

Each YAML file of the definitions folder with a top-level `process:` is a definition; all
of them stay loaded, so a review folds with the (process, version) it records (or the one a
dated migration moved it to) and a new version never changes a past state.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
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
        # (process, version) -> the file it was read from (when read from folders)
        self.files: dict[tuple[str, int], Path] = {}
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


# What code that reads steps or facts is handed: every loaded version (a catalog, each
# review then read in its own) or the one definition a caller holds.
Definitions = ProcessCatalog | ProcessDefinition


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


_cache: dict[tuple[tuple[str, float, int], ...], ProcessCatalog] = {}


def definition_files(folder: Path) -> list[Path]:
    """YAML files of the folder (and its subfolders, but templates and decisions)."""
    out = []
    for path in sorted(folder.rglob("*.y*ml")):
        rel = path.relative_to(folder).parts
        if rel[0] in _SKIPPED_FOLDERS or path.suffix not in (".yaml", ".yml"):
            continue
        out.append(path)
    return out


def definition_folders(
    folder: str | Path | Sequence[str | Path] | None = None,
) -> tuple[Path, ...]:
    """The folders a catalog is read from: those given (a path, "a:b", or a list; default
    the settings'), then the bundled folder, each once."""
    from .load import BUNDLED_DEFS, process_defs_folders

    if folder is None:
        return process_defs_folders()
    if isinstance(folder, str | Path):
        given = [Path(p) for p in str(folder).split(os.pathsep) if p.strip()]
    else:
        given = [Path(p) for p in folder]
    out: list[Path] = []
    for path in [*given, BUNDLED_DEFS]:
        if not any(_same_folder(path, seen) for seen in out):
            out.append(path)
    return tuple(out)


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


def load_definitions(
    folder: str | Path | Sequence[str | Path] | None = None, *, only: bool | None = None
) -> ProcessCatalog:
    """Every process definition of the folders (default: the settings' UNTOC_PROCESS_DEFS or
    `process_defs`, several separated by ":"), added to the bundled ones, checked;
    InputError lists every problem.

    The same (process, version) met twice (in two folders, or a user's folder and the
    bundled one) is loaded once when both say the same, and refused naming both files when
    they differ: a changed process is a new version (or a new process name), never a silent
    replacement of the bundled one. `only` (default: the settings' UNTOC_PROCESS_DEFS_ONLY /
    `process_defs_only`) reads the user's folders alone, without the bundled definitions."""
    from .load import BUNDLED_DEFS

    folders = definition_folders(folder)
    if only is None:
        from ..settings import load_settings

        only = load_settings().process_defs_only
    if only:
        users = tuple(f for f in folders if not _same_folder(f, BUNDLED_DEFS))
        folders = users or folders
    for path in folders:
        if not path.is_dir():
            raise InputError([Problem(f"{path}: no such folder of process definitions")])
    # the bundled files first: a user's file that differs is the one the refusal points at
    ordered = sorted(folders, key=lambda f: not _same_folder(f, BUNDLED_DEFS))
    files = [(f, p) for f in ordered for p in definition_files(f)]
    stamp = tuple((str(p), p.stat().st_mtime, p.stat().st_size) for _, p in files)
    cached = _cache.get(stamp)
    if cached is not None:
        return cached
    catalog = _read(files, folders)
    _cache[stamp] = catalog
    return catalog


def _read(files: list[tuple[Path, Path]], folders: Sequence[Path]) -> ProcessCatalog:
    from .load import parse_process

    found: dict[tuple[str, int], ProcessDefinition] = {}
    where: dict[tuple[str, int], Path] = {}
    problems: list[Problem] = []
    for folder_path, path in files:
        located = load_file(path)
        if not isinstance(located.data, dict) or "process" not in located.data:
            continue
        try:
            definition = parse_process(located)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if definition.key in found:
            first = where[definition.key]
            same_folder = first.is_relative_to(folder_path)
            if found[definition.key] == definition and not same_folder:
                continue  # the same version in two folders: loaded once
            # within one folder a second file is a mistake even when it says the same
            problems.append(
                Problem(
                    f"{definition.ref} is defined twice"
                    + ("" if same_folder else ", differently")
                    + f": in {first} and in {path}",
                    path="version",
                    file=str(path),
                    line=located.line_of("version"),
                    hint=(
                        "a new version needs a new `version:` number; a copy must be identical"
                        if same_folder
                        else f"a changed {definition.process} is a new version: add "
                        f"`version: {definition.version + 1}` (and `untoc migrate` the "
                        "reviews), or give the process another name; a folder meant to "
                        "stand alone sets UNTOC_PROCESS_DEFS_ONLY=1 "
                        "(`process_defs_only = true` in untoc.toml)"
                    ),
                )
            )
            continue
        found[definition.key] = definition
        where[definition.key] = path
    if problems:
        where_from = ", ".join(str(f) for f in folders)
        raise InputError(problems, title=f"{where_from}: the process definitions have errors")
    catalog = ProcessCatalog(found)
    catalog.files = dict(where)
    return catalog
