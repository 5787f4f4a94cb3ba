"""The folder of a clerk who has run the demo, for the command-line tests that try what
the README and the help say on the bundled sample, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import shlex
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app

from ..conftest import PG_SERVER, copy_sqlite

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "untoc_workflow/sample/mechanism.json"
# What the demo's clerk did before each test: the sample imported as of go-live, the
# opening sweep, and the messages of 2 May recorded without sending them.
AFTER_THE_DEMO = (
    f"untoc import {SAMPLE} --as-of 2024-04-16",
    "untoc sweep --as-of 2024-04-16",
    "untoc sweep --as-of 2024-05-02 --no-send",
)
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
PG_SCHEMA = "clerk"


def _clerks_folder(folder: Path, monkeypatch: pytest.MonkeyPatch, store_url: str) -> None:
    """`folder` as the clerk's working folder: the README's relative paths, the store."""
    monkeypatch.chdir(folder)
    for var in (
        "UNTOC_NOTIFY_URL",
        "UNTOC_PROCESS_DEFS",
        "UNTOC_PROCESS_DEFS_ONLY",
        "UNTOC_SETTINGS",
        "PREFECT_API_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
    monkeypatch.setenv("UNTOC_DOCUMENTS_DIR", str(folder / "documents"))
    (folder / "process_defs").symlink_to(ROOT / "untoc_workflow" / "process_defs")
    (folder / "untoc_workflow").mkdir()
    (folder / "untoc_workflow" / "sample").symlink_to(ROOT / "untoc_workflow" / "sample")


def _runner() -> Callable[[str], object]:
    runner = CliRunner()

    def run(command: str) -> object:
        words = shlex.split(command)
        env = {}
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        return runner.invoke(app, words[1:], env=env, catch_exceptions=True)

    return run


def _run_the_demo(folder: Path, store_url: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        _clerks_folder(folder, monkeypatch, store_url)
        run = _runner()
        for setup in AFTER_THE_DEMO:
            result = run(setup)
            assert result.exit_code == 0, (setup, result.output)  # type: ignore[attr-defined]


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


class DemoDone:
    """The clerk's folder and store after the demo, made once per test session (importing
    the sample and sweeping it takes long), and copied for each test, which changes its
    copy only: the folder's files (the outbox's .eml files) and the store, SQLite by
    SQLite's backup, PostgreSQL as a new database made from the first as its template."""

    def __init__(self, factory: pytest.TempPathFactory) -> None:
        self.factory = factory
        self.folders: dict[str, Path] = {}
        self.pg_template: str | None = None

    def _folder(self, engine: str, store_url: Callable[[Path], str]) -> Path:
        if engine not in self.folders:
            folder = self.factory.mktemp(f"clerk-after-the-demo-{engine}")
            _run_the_demo(folder, store_url(folder))
            self.folders[engine] = folder
        return self.folders[engine]

    def copy_sqlite(self, target: Path) -> str:
        folder = self._folder("sqlite", lambda f: f"sqlite:///{f / 'untoc.db'}")
        self._copy_files(folder, target)
        copy_sqlite(folder / "untoc.db", target / "untoc.db")
        return f"sqlite:///{target / 'untoc.db'}"

    def _pg_url(self, database: str) -> str:
        return f"{PG_SERVER}/{database}?options=-csearch_path%3D{PG_SCHEMA}"

    def copy_postgres(self, target: Path) -> str:
        def made(folder: Path) -> str:
            self.pg_template = f"untoc_demo_{uuid.uuid4().hex[:12]}"
            _pg_admin(f'CREATE DATABASE "{self.pg_template}"')
            import psycopg

            dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={self.pg_template}"
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f'CREATE SCHEMA "{PG_SCHEMA}"')
            return self._pg_url(self.pg_template)

        folder = self._folder("postgres", made)
        self._copy_files(folder, target)
        copy = f"untoc_demo_{uuid.uuid4().hex[:12]}"
        # a template must have no session open: the demo's commands' pooled ones end here
        _pg_admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.pg_template}' AND pid <> pg_backend_pid()"
        )
        _pg_admin(f'CREATE DATABASE "{copy}" TEMPLATE "{self.pg_template}"')
        return copy

    def drop_postgres(self, database: str) -> None:
        _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    @staticmethod
    def _copy_files(folder: Path, target: Path) -> None:
        for path in folder.iterdir():
            if path.name in ("process_defs", "untoc_workflow") or path.name.startswith("untoc.db"):
                continue  # the README's paths are linked again; the store is copied apart
            if path.is_dir():
                shutil.copytree(path, target / path.name)
            else:
                shutil.copy2(path, target / path.name)


@pytest.fixture(scope="session")
def demo_done(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoDone]:
    done = DemoDone(tmp_path_factory)
    try:
        yield done
    finally:
        if done.pg_template:
            done.drop_postgres(done.pg_template)


@pytest.fixture()
def sample_cli(tmp_path, monkeypatch, store_url, demo_done):
    """`run("untoc ...")` in a clerk's folder after the demo: the sample in the store, the
    correspondence live since 2024-04-16, the messages of 2 May recorded (some held for
    approval, some pending), and the README's relative paths (process_defs/,
    untoc_workflow/sample/) as in the repository. `NAME=value untoc ...` sets a variable.
    The store is SQLite, then PostgreSQL (a database of its own, dropped after the test)."""
    if store_url.startswith("sqlite"):
        url = demo_done.copy_sqlite(tmp_path)
        copy = None
    else:
        copy = demo_done.copy_postgres(tmp_path)
        url = demo_done._pg_url(copy)
    _clerks_folder(tmp_path, monkeypatch, url)
    try:
        yield _runner()
    finally:
        if copy:
            demo_done.drop_postgres(copy)  # WITH (FORCE): the commands' pooled sessions end
