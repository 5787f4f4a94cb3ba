"""Shared pieces of the commands: error handling, dates, the store and definition."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from typing import Any, TypeVar

import typer
from rich.console import Console

from ..errors import InputError

# Piped output (scripts, tests, `| less`) gets wide lines instead of rich's 80 columns.
_WIDTH = None if sys.stdout.isatty() else 200
err_console = Console(stderr=True, highlight=False, width=_WIDTH, soft_wrap=True)
console = Console(highlight=False, width=_WIDTH, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def fails_cleanly(fn: F) -> F:
    """Print InputError as a list a person can act on, exit 1; nothing half-written."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            err_console.print(
                f"[bold red]error:[/] {exc.render()}", markup=True, highlight=False, soft_wrap=True
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def parse_as_of(value: str | None, *, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; write YYYY-MM-DD", param_hint=option
        ) from None


def today() -> date:
    """The one place the command line reads the clock, when --as-of is not given."""
    return date.today()


@contextmanager
def opened_store() -> Iterator[Any]:
    from ..settings import load_settings
    from ..store import open_store

    store = open_store(load_settings().database_url)
    try:
        yield store
    finally:
        store.close()
