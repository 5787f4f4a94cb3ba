"""Shared pieces of the commands: error handling, dates, the store and definition."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape

from ..errors import InputError, Problem
from ..limits import date_problem

# Piped output (scripts, tests, `| less`) gets wide lines instead of rich's 80 columns.
# No markup: what is printed holds names, file names and values a person typed, and rich
# would read `[v2]` in `bad [v2].json` as a style tag (and fail on `[/x]`). A line that
# wants colour passes markup=True and escapes what it interpolates (see `error`).
_WIDTH = None if sys.stdout.isatty() else 200
err_console = Console(stderr=True, highlight=False, markup=False, width=_WIDTH, soft_wrap=True)
console = Console(highlight=False, markup=False, width=_WIDTH, soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])

# The commands' own exits: usage errors (2), --help, typer.Exit, Ctrl-C.
_PASS_THROUGH = (
    typer.TyperException,  # typer's usage errors (BadParameter...): exit 2
    typer.Exit,
    typer.Abort,
    click.exceptions.ClickException,
    click.exceptions.Exit,
    click.exceptions.Abort,
)


def error(text: str, *, label: str = "error:", style: str = "bold red") -> None:
    """One error on stderr, `label` in colour, `text` exactly as given."""
    err_console.print(
        f"[{style}]{escape(label)}[/] {escape(text)}", markup=True, highlight=False, soft_wrap=True
    )


def fails_cleanly(fn: F) -> F:
    """Every failure of a command becomes a message a person can act on and exit 1, never a
    traceback: bad input (located), a file that cannot be read or written, a store another
    command is writing to, and anything unforeseen (named, with UNTOC_DEBUG=1 for the
    traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (*_PASS_THROUGH, KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - the one place failures are shown
            if os.environ.get("UNTOC_DEBUG"):
                raise
            error(explain(exc))
            sys.exit(1)

    wrapper.fails_cleanly = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def explain(exc: BaseException) -> str:
    """What went wrong, in words for the secretariat, without a secret in them."""
    return _redacted(_explain(exc))


# Settings whose values may carry a password (an SMTP URL, a PostgreSQL URL).
_SECRET_SETTINGS = ("UNTOC_NOTIFY_URL", "UNTOC_DATABASE_URL")


def _redacted(text: str) -> str:
    """`text` with every configured URL that may hold a password replaced by its name:
    an exception's message can quote the URL it failed on."""
    for name in _SECRET_SETTINGS:
        value = os.environ.get(name) or ""
        for url in sorted({value, *value.split(",")}, key=len, reverse=True):
            url = url.strip()
            if len(url) >= 8 and url in text:
                text = text.replace(url, f"${name}")
    return text


def _explain(exc: BaseException) -> str:
    if isinstance(exc, InputError):
        return exc.render()
    if isinstance(exc, OSError) and (exc.filename or exc.strerror):
        return _os_error(exc)
    locked = _store_busy(exc)
    if locked:
        return locked
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return (
        f"untoc stopped on a problem it did not foresee ({type(exc).__name__}"
        + (f": {detail}" if detail else "")
        + "). A write to the store is one transaction and was not committed; files written "
        "before the problem may be incomplete. Run again with UNTOC_DEBUG=1 for the details "
        "to pass on to the team that maintains untoc."
    )


def _os_error(exc: OSError) -> str:
    name = str(exc.filename) if exc.filename is not None else ""
    folder = os.path.dirname(name)
    if isinstance(exc, FileNotFoundError) and folder and not os.path.isdir(folder):
        return f"{name}: the folder {folder} does not exist; create it first"
    if isinstance(exc, NotADirectoryError) and name:
        # "afile/x.json.draw.json.tmp: Not a directory" names a file the user never typed:
        # name the part of the path they did type that is a file
        parent = os.path.dirname(name)
        while parent and not os.path.isfile(parent) and os.path.dirname(parent) != parent:
            parent = os.path.dirname(parent)
        if parent and os.path.isfile(parent):
            return f"{parent}: is a file, not a folder; give a path in a folder"
    if isinstance(exc, FileExistsError) and name and os.path.isfile(name):
        return f"{name}: is a file; a folder is needed here (give a folder's path)"
    what = exc.strerror or type(exc).__name__
    return f"{name}: {what}" if name else what


def _store_busy(exc: BaseException) -> str | None:
    """SQLite says "database is locked" when another writer held the store past the busy
    timeout (a long import, a sweep)."""
    from sqlalchemy.exc import OperationalError

    from ..store.dialect import BUSY_TIMEOUT_MS

    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return (
            "another untoc command is writing to the store (an import, a sweep...) and did "
            f"not finish within {BUSY_TIMEOUT_MS // 1000} seconds; nothing was written by "
            "this one. "
            "Run it again when the other has finished."
        )
    if isinstance(exc, OperationalError):
        first = (str(exc.orig).strip().splitlines() or ["no answer"])[0]
        return (
            f"the store cannot be reached or refused the command: {first}. Check"
            " UNTOC_DATABASE_URL and that the database server is running; nothing was written."
        )
    return None


def output_file(path: Path, *, option: str = "") -> Path:
    """A file about to be written: its folder must exist and it must not be a folder."""
    if path.is_dir():
        raise InputError([Problem(f"{path} is a folder; name the file to write", path=option)])
    if not path.parent.is_dir():
        raise InputError(
            [Problem(f"the folder {path.parent} does not exist; create it first", path=option)]
        )
    return path


def parse_as_of(value: str | None, *, option: str = "--as-of") -> date | None:
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date; write YYYY-MM-DD", param_hint=option
        ) from None
    refused = date_problem(day)
    if refused:
        raise typer.BadParameter(refused, param_hint=option)
    return day


def today() -> date:
    """The one place the command line reads the clock, when --as-of is not given."""
    return date.today()


def untoc_command() -> str:
    """How to run untoc again, as this command was run: `untoc` when that is on the PATH,
    else the script's path (`.venv/bin/untoc` after the README's install, which puts
    nothing on the PATH), else `python -m untoc_workflow`: what a printed "Next:" line
    suggests then runs as written."""
    import shutil

    script = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if script is None or script.name != "untoc" or not script.exists():
        # not run as the `untoc` script (python -m, a test): the one beside this Python
        script = Path(sys.executable).parent / "untoc"
        if not script.exists():
            return f"{sys.executable} -m untoc_workflow"
    on_path = shutil.which("untoc")
    if on_path and Path(on_path).resolve() == script.resolve():
        return "untoc"
    try:
        return str(script.absolute().relative_to(Path.cwd()))
    except ValueError:  # outside the current folder: its full path
        return str(script.absolute())


@contextmanager
def opened_store() -> Iterator[Any]:
    from ..settings import load_settings
    from ..store import open_store

    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        _definitions_unchanged(store, settings.definitions_folders)
        yield store
    finally:
        store.close()


def _definitions_unchanged(store: Any, folders: Any) -> None:
    """Every command that opens the store (status, report, sweep...) refuses to fold reviews
    with a process version changed in place since reviews ran on it, as import and record
    do: once per stored (process, version), from the cached catalog."""
    from ..definitions import load_definitions
    from ..errors import InputError
    from ..store.fingerprints import verify_fingerprints

    try:
        catalog = load_definitions(folders)
    except InputError:
        return  # the command reports the definitions' problems if it reads them
    with store.engine.connect() as conn:
        verify_fingerprints(conn, catalog)
