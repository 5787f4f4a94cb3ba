"""`untoc outbox list | approve | reject | retry`, and what the sweep says about what it
could not send."""

from __future__ import annotations

import getpass
import json
import re
from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from untoc_workflow.cli import app
from untoc_workflow.outbox.rows import TABLE
from untoc_workflow.store import open_store

from .conftest import standard_mechanism

runner = CliRunner()
GO_LIVE = "2023-06-28"


def env_for(tmp_path: Path, notify_url: str = "") -> dict[str, str]:
    settings = tmp_path / "untoc.toml"
    settings.write_text(
        '[secretariat]\nemail = "secretariat.review@example.org"\nname = "Secretariat"\n',
        encoding="utf-8",
    )
    return {
        "UNTOC_DATABASE_URL": f"sqlite:///{tmp_path / 'untoc.db'}",
        "UNTOC_SETTINGS": str(settings),
        "UNTOC_OUTBOX_DIR": str(tmp_path / "outbox"),
        "UNTOC_NOTIFY_URL": notify_url,
    }


def untoc(tmp_path: Path, *args: str, url: str = ""):
    return runner.invoke(app, list(args), env=env_for(tmp_path, url))


def rows(tmp_path: Path) -> dict[str, object]:
    store = open_store(f"sqlite:///{tmp_path / 'untoc.db'}")
    try:
        with store.engine.connect() as conn:
            return {r.key: r for r in conn.execute(select(TABLE).order_by(TABLE.c.id))}
    finally:
        store.close()


def recorded(tmp_path: Path, held: int = 0) -> list[str]:
    """The notices due on 2023-06-30, recorded but not sent; the last `held` of them held
    for the secretariat's approval, as a rung that asks for it writes them."""
    store = open_store(f"sqlite:///{tmp_path / 'untoc.db'}")
    try:
        standard_mechanism(store, tmp_path)
    finally:
        store.close()
    # the correspondence went live on 28 June (its opening messages written as .eml files)
    live = untoc(tmp_path, "sweep", "--as-of", GO_LIVE)
    assert live.exit_code == 0 and "go-live" in live.output, live.output
    result = untoc(tmp_path, "sweep", "--as-of", "2023-06-30", "--no-send")
    assert result.exit_code == 0, result.output
    keys = [k for k in rows(tmp_path) if GO_LIVE not in k]
    if held:
        store = open_store(f"sqlite:///{tmp_path / 'untoc.db'}")
        with store.engine.begin() as conn:
            conn.execute(
                update(TABLE)
                .where(TABLE.c.key.in_(keys[-held:]))
                .values(status="awaiting_approval", approval="secretariat")
            )
        store.close()
    return keys


def listing(tmp_path: Path, *args: str) -> list[dict]:
    """The outbox after go-live (the opening messages aside)."""
    result = untoc(tmp_path, "outbox", "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return [e for e in json.loads(result.output) if GO_LIVE not in e["key"]]


def test_the_list_shows_each_message_with_its_state_and_why(tmp_path):
    keys = recorded(tmp_path, held=1)
    entries = listing(tmp_path)
    assert [e["key"] for e in entries] == keys
    assert [e["state"] for e in entries] == ["pending"] * (len(keys) - 1) + ["awaiting approval"]
    first = entries[0]
    assert first["to"] == "c.martin@example.org" and first["review"] == "C1-G1-FRA"
    assert (first["step"], first["attempts"], first["why"]) == ("saq", 0, None)
    assert [e["key"] for e in listing(tmp_path, "--awaiting")] == keys[-1:]
    table = untoc(tmp_path, "outbox", "list")
    assert table.exit_code == 0 and "awaiting approval" in table.output


def test_held_messages_wait_until_approved_and_rejected_ones_never_go(tmp_path):
    keys = recorded(tmp_path, held=2)
    first = untoc(tmp_path, "outbox", "retry", "--all", "--as-of", "2023-06-30")
    assert first.exit_code == 0, first.output
    assert f"sent {len(keys) - 2}," in first.output and "awaiting approval 2" in first.output
    approve = untoc(tmp_path, "outbox", "approve", keys[-2], "--by", "M. Dupont")
    assert approve.exit_code == 0, approve.output
    reject = untoc(tmp_path, "outbox", "reject", keys[-1], "--why", "sent by hand on 30 June")
    assert reject.exit_code == 0, reject.output
    stored = rows(tmp_path)
    approved, rejected = stored[keys[-2]], stored[keys[-1]]
    assert (approved.status, approved.decided_by) == ("pending", "M. Dupont")
    assert approved.decided_at is not None
    assert (rejected.status, rejected.decided_by) == ("cancelled", getpass.getuser())
    assert rejected.cancel_reason == f"rejected by {getpass.getuser()}: sent by hand on 30 June"
    second = untoc(tmp_path, "outbox", "retry", "--as-of", "2023-06-30")  # every one still to send
    assert "sent 1," in second.output
    assert len(list((tmp_path / "outbox").glob("2023-06-30_*.eml"))) == len(keys) - 1
    states = {e["key"]: e["state"] for e in listing(tmp_path)}
    assert states[keys[-1]] == "cancelled" and set(states.values()) == {"sent", "cancelled"}


def test_unknown_or_not_held_keys_are_refused_and_nothing_changes(tmp_path):
    keys = recorded(tmp_path, held=1)
    before = {k: (r.status, r.decided_by) for k, r in rows(tmp_path).items()}
    unknown = untoc(tmp_path, "outbox", "approve", keys[-1], "C1-G1-XXX/saq/due|nobody")
    assert unknown.exit_code == 1
    assert "no message in the outbox has the key 'C1-G1-XXX/saq/due|nobody'" in unknown.output
    assert "Traceback" not in unknown.output
    pending = untoc(tmp_path, "outbox", "reject", keys[0], "--why", "x")
    assert pending.exit_code == 1 and f"cannot reject '{keys[0]}': it is pending" in pending.output
    assert untoc(tmp_path, "outbox", "reject", keys[-1]).exit_code == 2  # --why is required
    assert untoc(tmp_path, "outbox", "approve").exit_code == 2  # keys or --all
    assert {k: (r.status, r.decided_by) for k, r in rows(tmp_path).items()} == before


def test_a_rerun_after_the_server_is_back_says_why_nothing_was_sent(tmp_path, smtp):
    keys = recorded(tmp_path)
    smtp.stop()
    down = untoc(tmp_path, "sweep", "--as-of", "2023-06-30", url=smtp.url)
    assert down.exit_code == 0 and f"sent 0, failed {len(keys)}, pending {len(keys)}" in down.output
    smtp.start()
    rerun = untoc(tmp_path, "sweep", "--as-of", "2023-06-30", url=smtp.url)
    assert rerun.exit_code == 0, rerun.output
    # the "sent 0, pending 804", now with the reason and what to do
    assert f"sent 0, failed 0, pending {len(keys)}" in rerun.output
    explained = re.search(
        rf"pending {len(keys)}: the mail server did not accept them \(relay 1 "
        rf"\(127\.0\.0\.1:{smtp.port}\): ConnectionRefusedError: .*\); next attempt at "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC \(backoff\); `untoc outbox retry --all` to try now",
        rerun.output,
    )
    assert explained, rerun.output
    retry = untoc(tmp_path, "outbox", "retry", "--all", "--as-of", "2023-06-30", url=smtp.url)
    assert retry.exit_code == 0, retry.output
    assert f"retry: {len(keys)} due now; sent {len(keys)}, failed 0" in retry.output
    assert len(smtp.wait_for(len(keys))) == len(keys)
    assert {e["state"] for e in listing(tmp_path)} == {"sent"}
    assert untoc(tmp_path, "outbox", "retry", keys[0]).exit_code == 1  # sent: nothing to retry
