"""The third process (tests/processes/mutual_evaluation): neither UNTOC's nor UNCAC's, run
by the command line on SQLite and PostgreSQL from its own definitions folder."""

from __future__ import annotations

import email
import json
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

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
    return group_cli(untoc_cli, tmp_path, IR_DEFS)


def group_cli(untoc_cli: Any, tmp_path: Path, folder: Path) -> Any:
    """`untoc ...` with a copy of the group's folder alone (`folder`), its members imported
    as of 10 March 2025, its letters written under `tmp_path`/outbox."""
    cli = untoc_cli(
        None,
        UNTOC_PROCESS_DEFS=str(folder),
        UNTOC_PROCESS_DEFS_ONLY="1",
        UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"),
    )
    cli("import", str(folder / "members.yaml"), "--as-of", "2025-03-10")
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


def letters(tmp_path: Path, day: str) -> dict[str, EmailMessage]:
    """The messages the outbox folder under `tmp_path` holds of `day`, by file name."""
    found = {}
    for path in sorted((tmp_path / "outbox").glob(f"{day}_*.eml")):
        with path.open("rb") as f:
            message = email.message_from_binary_file(f, policy=policy.default)
        assert isinstance(message, EmailMessage)
        found[path.name] = message
    return found


def text_of(message: EmailMessage) -> str:
    """A letter's plain-text body, as its recipient's mail program shows it."""
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())
