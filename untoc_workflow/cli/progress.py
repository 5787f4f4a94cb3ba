"""Long work shows its progress: a bar with counts and time left on a terminal, one
summary line when not (a log, a pipe, CI), written to stderr so stdout stays the output.

    with progress("importing", "events") as advance:
        store.import_file(path, progress=advance)    # advance(done, total) now and then

The work takes a plain callback `(done, total)`: the store and the sweep know nothing of
terminals, and a caller that wants no progress passes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .common import err_console

Advance = Callable[[int, int | None], None]


@contextmanager
def progress(description: str, unit: str, *, long_from: int = 1_000) -> Iterator[Advance]:
    """A callback for the work to report `(done, total)`; a bar while it runs on a terminal,
    else one line at the end (`description: N unit in S s`) when the work was long (at
    least `long_from` units: a few facts recorded need no summary)."""
    started = time.perf_counter()
    seen = {"done": 0}
    if not err_console.is_terminal:

        def quiet(done: int, total: int | None) -> None:
            seen["done"] = done

        yield quiet
        if seen["done"] >= long_from:
            err_console.print(
                f"{description}: {seen['done']:,} {unit} in {time.perf_counter() - started:.1f} s"
            )
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(unit),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(done: int, total: int | None) -> None:
            seen["done"] = done
            bar.update(task, completed=done, total=total)

        yield advance


@contextmanager
def no_progress() -> Iterator[Advance]:
    """The same callback, showing nothing (for output that must be the data alone)."""

    def ignore(done: int, total: int | None) -> None:
        return None

    yield ignore
