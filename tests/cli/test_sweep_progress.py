"""A sweep over many reviews shows its progress: the sweep reports (reviews folded, reviews)
through its callback, and off a terminal the command writes one summary line, only when
the work was long."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[2]))
from bench.generate import generate, write
from untoc_workflow.cli import app
from untoc_workflow.sample import SAMPLE_FILE

REVIEWS = 1_050  # more than `progress`'s long_from (1,000 units)
DAY = "2024-06-04"  # a Tuesday, no holiday


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for var in ("UNTOC_NOTIFY_URL", "PREFECT_API_URL", "UNTOC_SETTINGS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("UNTOC_DOCUMENTS_DIR", str(tmp_path / "documents"))
    return tmp_path


def _run(*args: str) -> object:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _summaries(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(f"sweep {DAY}:")]


def test_a_long_sweep_reports_its_reviews_and_writes_one_summary_line(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = folder / "generated.json"
    write(generate(reviews=REVIEWS, events=6_000, parties=30), path)
    url = f"sqlite:///{folder / 'long.db'}"
    monkeypatch.setenv("UNTOC_DATABASE_URL", url)
    _run("import", str(path))

    # the sweep itself: its callback hears every review folded, counted against all
    from untoc_workflow.notify import run_sweep
    from untoc_workflow.settings import load_settings
    from untoc_workflow.store import open_store

    heard: list[tuple[int, int | None]] = []
    with open_store(url) as store:
        run_sweep(
            store,
            date.fromisoformat(DAY),
            datetime(2024, 6, 4, 9, tzinfo=UTC),
            load_settings(),
            deliver=False,
            progress=lambda done, total: heard.append((done, total)),
        )
    assert heard, "the sweep reported no progress"
    assert heard[-1] == (REVIEWS, REVIEWS)
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)

    # the command, off a terminal (CliRunner's stderr is no terminal): one line, counted
    result = _run("sweep", "--as-of", DAY, "--no-send")
    lines = _summaries(result.stderr)
    assert len(lines) == 1, result.stderr
    assert f"{REVIEWS:,} reviews in " in lines[0]
    assert lines[0].endswith(" s")


def test_a_short_sweep_writes_no_summary(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{folder / 'sample.db'}")
    _run("import", str(SAMPLE_FILE))
    result = _run("sweep", "--as-of", DAY, "--no-send")
    assert "sweep" in result.stdout  # the sweep ran and printed its counts
    assert _summaries(result.stderr) == []
