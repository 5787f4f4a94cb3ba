"""The third process (tests/processes/mutual_evaluation): neither UNTOC's nor UNCAC's, run
by the command line on SQLite and PostgreSQL from its own definitions folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ME_DEFS = HERE / "mutual_evaluation"
ME_MECHANISM = ME_DEFS / "mechanism.yaml"
ME_V2 = HERE / "mutual_evaluation_v2"
ME_V2_REVIEWS = ME_V2 / "reviews.yaml"
TODAY = date(2024, 6, 3)
IR_DEFS = HERE / "integrity_review"


@pytest.fixture()
def me_cli(untoc_cli, tmp_path):
    """`untoc ...` with the mutual evaluation's two folders (its versions 1 and 2) added to
    the bundled definitions, in a fresh folder and store (SQLite, then PostgreSQL), on a
    fixed today."""
    return untoc_cli(
        TODAY,
        UNTOC_PROCESS_DEFS=f"{ME_DEFS}:{ME_V2}",
        UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"),
    )


@pytest.fixture()
def ir_cli(untoc_cli, tmp_path):
    """`untoc ...` with the group's folder alone (not the bundled processes), its members
    imported as of 10 March 2025."""
    cli = untoc_cli(
        None,
        UNTOC_PROCESS_DEFS=str(IR_DEFS),
        UNTOC_PROCESS_DEFS_ONLY="1",
        UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    cli("import", str(IR_DEFS / "members.yaml"), "--as-of", "2025-03-10")
    return cli


def stored_events(cli) -> list[dict]:
    cli("export", "store.json")
    return json.loads(Path("store.json").read_text(encoding="utf-8")).get("events", [])


def refused(cli, *args: str) -> str:
    """Run a command that must be refused (exit 1); the store must be as it was."""
    before = stored_events(cli)
    result = cli(*args, code=1)
    assert stored_events(cli) == before
    return result.stderr


def states(cli, as_of: str = "2024-06-03") -> dict[str, dict]:
    out = cli("status", "--as-of", as_of, "--format", "json").stdout
    return {s["review"]: s for s in json.loads(out)}
