"""Copies of the bundled definitions folder, changed the way a secretariat would change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from untoc_workflow.definitions.load import BUNDLED_DEFS


def copy_defs(tmp_path: Path) -> Path:
    target = tmp_path / "defs"
    shutil.copytree(BUNDLED_DEFS, target)
    return target


def add_version_2(defs: Path, saq: str = "9 months") -> Path:
    """A country_review v2 beside v1: the same process with a longer SAQ clock."""
    v1 = (defs / "country_review.yaml").read_text(encoding="utf-8")
    assert "version: 1\n" in v1
    v2 = v1.replace("version: 1\n", "version: 2\n", 1)
    saq_block = v2.index("  - id: saq\n")
    head, tail = v2[:saq_block], v2[saq_block:]
    tail = tail.replace("    duration: 6 months\n", f"    duration: {saq}\n", 1)
    path = defs / "country_review_v2.yaml"
    path.write_text(head + tail, encoding="utf-8")
    return path


@pytest.fixture
def defs_with_v2(tmp_path: Path) -> Path:
    defs = copy_defs(tmp_path)
    add_version_2(defs)
    return defs


@pytest.fixture(scope="session")
def process():
    from untoc_workflow.definitions import load_process

    return load_process()


@pytest.fixture(scope="session")
def sample():
    from untoc_workflow.core import Snapshot
    from untoc_workflow.mechanism_file import load_mechanism_file
    from untoc_workflow.sample.generate import SAMPLE_FILE

    parsed = load_mechanism_file(SAMPLE_FILE)
    events = tuple(sorted(parsed.events, key=lambda e: (e.on, e.seq)))
    return Snapshot({p.code: p for p in parsed.parties}, {r.id: r for r in parsed.reviews}, events)


@pytest.fixture()
def cli(untoc_cli_sqlite, tmp_path):
    """Run `untoc ...` in a fresh folder with its own SQLite store and definitions folder."""
    return untoc_cli_sqlite(None, UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"))


@pytest.fixture
def defs_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the bundled definitions folder, to change in place: it stands alone
    (UNTOC_PROCESS_DEFS_ONLY), as a secretariat's edited copy of the bundled folder would."""
    monkeypatch.setenv("UNTOC_PROCESS_DEFS_ONLY", "1")
    return copy_defs(tmp_path)
