"""Fixtures shared by every test area: a store on SQLite and on PostgreSQL.

`store_url` runs a test twice: on a fresh SQLite file, and (marked `postgres`) in a fresh
schema of the database `untoc_test` on 127.0.0.1:5432, made for that test alone and
dropped after it, so tests of several engineers can run at the same time.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from untoc_workflow.wiring import wire

# The tests are an edge too: definitions are checked as the command line checks them.
wire()


def _build_each_command_line_once() -> None:
    """Typer's CliRunner turns the `untoc` app into its click commands on every invoke
    (about 50 commands, each signature read again): a third of a command-line test's time.
    The app is complete once imported (untoc_workflow.cli registers every area then), and a
    click command holds no state between invocations, so each app is turned once per test
    process, as `untoc` itself does once per run. An app whose commands changed since is
    turned again."""
    import weakref

    import typer.main
    import typer.testing

    built: weakref.WeakKeyDictionary[typer.Typer, tuple[tuple[int, ...], Any]]
    built = weakref.WeakKeyDictionary()
    turn = typer.main.get_command

    def get_command(app: typer.Typer) -> Any:
        shape = (
            len(app.registered_commands),
            len(app.registered_groups),
            id(app.registered_callback),
        )
        known = built.get(app)
        if known is None or known[0] != shape:
            known = (shape, turn(app))
            built[app] = known
        return known[1]

    assert typer.testing._get_command is turn  # the name CliRunner.invoke calls
    typer.testing._get_command = get_command  # type: ignore[assignment]


_build_each_command_line_once()

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PG_TEST_DB = "untoc_test"

_pg_state: dict[str, object] = {}


def _pg_ready() -> str | None:
    """None when the test database is usable, else why not (checked once per session)."""
    if "why" in _pg_state:
        return _pg_state["why"]  # type: ignore[return-value]
    why: str | None = None
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3",
            autocommit=True,
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (PG_TEST_DB,)
            ).fetchone()
            if not exists:
                try:
                    conn.execute(f'CREATE DATABASE "{PG_TEST_DB}"')
                except psycopg.errors.DuplicateDatabase:
                    pass  # another test process made it first
                except psycopg.errors.UniqueViolation:
                    pass
    except Exception as exc:  # no server here: the postgres tests skip with the reason
        why = f"PostgreSQL on 127.0.0.1:5432 is not usable: {exc}"
    _pg_state["why"] = why
    return why


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A URL of a fresh, empty PostgreSQL schema (the search_path), dropped afterwards."""
    why = _pg_ready()
    if why:
        pytest.skip(why)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:16]}"
    dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={PG_TEST_DB}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_SERVER}/{PG_TEST_DB}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'untoc.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: SQLite file, then a PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'untoc.db'}"
    return request.getfixturevalue("pg_url")


def copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's own copy of a store (what is still in its write-ahead log comes along)."""
    with closing(sqlite3.connect(source)) as read, closing(sqlite3.connect(target)) as written:
        read.backup(written)


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite store migrated to the newest schema, made once per session."""
    from untoc_workflow.store import open_store

    path = tmp_path_factory.mktemp("migrated") / "untoc.db"
    open_store(f"sqlite:///{path}").close()
    return path


@pytest.fixture
def store(store_url: str, migrated_sqlite: Path) -> Iterator[object]:
    """An opened, migrated, empty store (untoc_workflow.store.Store).

    On SQLite it starts as a copy of the session's migrated empty store (SQLite's backup),
    which `open_store` finds at the newest revision, as it would have left a fresh file:
    the migrations' own tests (tests/store) run them on files of their own."""
    from untoc_workflow.store import open_store

    if store_url.startswith("sqlite:///"):
        target = Path(store_url.removeprefix("sqlite:///"))
        if not target.exists():
            copy_sqlite(migrated_sqlite, target)
    s = open_store(store_url)
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def untoc_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str
) -> Callable[..., Callable[..., Any]]:
    """A maker of `untoc ...` runners in a fresh folder and store (SQLite, then PostgreSQL),
    on a fixed today (None: the commands are given `--as-of`), `env` set on top; nothing of
    the machine's own settings, notifier or Prefect server. The runner checks the exit code
    (`code`, 0 by default) and that no traceback was printed, and returns the result."""
    return _cli_maker(tmp_path, monkeypatch, store_url)


@pytest.fixture
def untoc_cli_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> Callable[..., Callable[..., Any]]:
    """`untoc_cli` on SQLite alone: for what the store's engine cannot change (options,
    messages, the files a command reads), run once."""
    return _cli_maker(tmp_path, monkeypatch, sqlite_url)


def _cli_maker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str
) -> Callable[..., Callable[..., Any]]:
    def make(today: date | None, **env: str) -> Callable[..., Any]:
        from typer.testing import CliRunner

        from untoc_workflow.cli import app

        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
        for name in ("UNTOC_NOTIFY_URL", "PREFECT_API_URL", "UNTOC_SETTINGS"):
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        if today is not None:
            monkeypatch.setattr("untoc_workflow.cli.core_commands.today", lambda: today)
        runner = CliRunner()

        def run(*args: str, code: int = 0) -> Any:
            result = runner.invoke(app, list(args), catch_exceptions=False)
            out = result.output + (result.stderr if result.stderr_bytes else "")
            assert result.exit_code == code, out
            assert "Traceback" not in out
            return result

        return run

    return make
