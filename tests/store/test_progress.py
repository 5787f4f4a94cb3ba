"""Long work shows its progress: a bar with counts on a terminal, one summary line
elsewhere; the import reports every event it reads."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from rich.console import Console

sys.path.insert(0, str(Path(__file__).parents[2]))
from typer.testing import CliRunner

from bench.generate import generate, write
from untoc_workflow.cli import app
from untoc_workflow.cli import progress as progress_module
from untoc_workflow.sample import SAMPLE_FILE
from untoc_workflow.store import open_store


def test_the_import_reports_every_event_read(sqlite_url: str) -> None:
    heard: list[tuple[int, int | None]] = []
    with open_store(sqlite_url) as store:
        result = store.import_file(SAMPLE_FILE, progress=lambda d, t: heard.append((d, t)))
        # a second import of the same file is known at once: it says so in one call
        again: list[tuple[int, int | None]] = []
        store.import_file(SAMPLE_FILE, progress=lambda d, t: again.append((d, t)))
    assert heard, "no progress reported"
    assert heard[-1] == (result.events_added, result.events_added)
    assert [d for d, _ in heard] == sorted(d for d, _ in heard)
    assert again == [(result.events_added, result.events_added)]


def test_off_a_terminal_one_summary_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    # a few facts: no summary; a long import: one line
    few = CliRunner().invoke(app, ["import", str(SAMPLE_FILE)])
    assert few.exit_code == 0, few.output
    assert not [line for line in few.stderr.splitlines() if line.startswith("importing")]
    path = tmp_path / "generated.json"
    write(generate(reviews=40, events=2_000, parties=30), path)
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'long.db'}")
    result = CliRunner().invoke(app, ["import", str(path)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("importing")]
    assert len(lines) == 1
    assert "2,000 events in " in lines[0]
    out = CliRunner().invoke(app, ["export", str(tmp_path / "copy.json")])
    assert out.exit_code == 0, out.output
    assert [line for line in out.stderr.splitlines() if line.startswith("exporting")]


def test_on_a_terminal_a_bar_with_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    monkeypatch.setattr(progress_module, "err_console", console)
    with progress_module.progress("importing", "events") as advance:
        for done in range(0, 1001, 250):
            advance(done, 1000)
    shown = screen.getvalue()
    assert "importing" in shown
    assert "1000/1000" in shown
    assert "left" in shown
