"""What the core reads of a process definition, named as types.

The core may not import the definitions layer (DESIGN.md: a pure core, checked by
`lint-imports`), so it states the shape it folds with; `definitions.ProcessDefinition` and
`definitions.ProcessCatalog` have these shapes, and mypy checks that every caller hands one.
A step is still read by attribute (`steps` holds `definitions.Step`s).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar


class ProcessShape(Protocol):
    """One version of a process: its stages, its steps and the facts it declares."""

    @property
    def process(self) -> str: ...

    @property
    def version(self) -> int: ...

    @property
    def stages(self) -> Sequence[str]: ...

    @property
    def steps(self) -> Sequence[Any]: ...

    @property
    def facts(self) -> Mapping[str, Any]: ...


P = TypeVar("P", bound=ProcessShape)
P_co = TypeVar("P_co", bound=ProcessShape, covariant=True)


class CatalogShape(Protocol[P_co]):
    """Every loaded version side by side: a review folds with the one it records."""

    def resolve(self, process: str | None, version: int | None) -> P_co: ...


# What the fold is handed: one definition (it folds every review) or a catalog.
Folded = ProcessShape | CatalogShape[ProcessShape]
