"""The folder of a clerk who has run the demo, for the command-line tests that try what
the README and the help say on the bundled sample, on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from untoc_workflow.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "untoc_workflow/sample/mechanism.json"


@pytest.fixture()
def sample_cli(tmp_path, monkeypatch, store_url):
    """`run("untoc ...")` in a clerk's folder after the demo: the sample in the store, the
    correspondence live since 2024-04-16, the messages of 2 May recorded (some held for
    approval, some pending), and the README's relative paths (process_defs/,
    untoc_workflow/sample/) as in the repository. `NAME=value untoc ...` sets a variable."""
    monkeypatch.chdir(tmp_path)
    for var in (
        "UNTOC_NOTIFY_URL",
        "UNTOC_PROCESS_DEFS",
        "UNTOC_PROCESS_DEFS_ONLY",
        "UNTOC_SETTINGS",
        "PREFECT_API_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("UNTOC_DATABASE_URL", store_url)
    monkeypatch.setenv("UNTOC_DOCUMENTS_DIR", str(tmp_path / "documents"))
    (tmp_path / "process_defs").symlink_to(ROOT / "untoc_workflow" / "process_defs")
    (tmp_path / "untoc_workflow").mkdir()
    (tmp_path / "untoc_workflow" / "sample").symlink_to(ROOT / "untoc_workflow" / "sample")
    runner = CliRunner()

    def run(command: str) -> object:
        words = shlex.split(command)
        env = {}
        while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
            name, _, value = words.pop(0).partition("=")
            env[name] = value
        return runner.invoke(app, words[1:], env=env, catch_exceptions=True)

    for setup in (
        f"untoc import {SAMPLE} --as-of 2024-04-16",
        "untoc sweep --as-of 2024-04-16",
        "untoc sweep --as-of 2024-05-02 --no-send",
    ):
        result = run(setup)
        assert result.exit_code == 0, (setup, result.output)
    return run
