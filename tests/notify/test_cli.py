"""`untoc sweep` and `untoc digest` as the secretariat runs them."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

from typer.testing import CliRunner

from untoc_workflow.cli import app
from untoc_workflow.store import open_store

from .conftest import standard_mechanism

runner = CliRunner()


def _env(tmp_path: Path, notify_url: str | None = None) -> dict[str, str]:
    settings = tmp_path / "untoc.toml"
    settings.write_text(
        '[secretariat]\nemail = "secretariat.review@example.org"\nname = "Secretariat"\n'
        '[cop_presidency]\nemail = "cop.presidency@example.org"\n',
        encoding="utf-8",
    )
    env = {
        "UNTOC_DATABASE_URL": f"sqlite:///{tmp_path / 'untoc.db'}",
        "UNTOC_SETTINGS": str(settings),
        "UNTOC_OUTBOX_DIR": str(tmp_path / "outbox"),
        "UNTOC_NOTIFY_URL": notify_url or "",
    }
    return env


def _prepare(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'untoc.db'}")
    try:
        standard_mechanism(store, tmp_path)
    finally:
        store.close()


def test_sweep_goes_live_then_sends_through_the_notify_url_and_prints_the_counts(tmp_path, smtp):
    _prepare(tmp_path)
    env = _env(tmp_path, smtp.url)
    live = runner.invoke(app, ["sweep", "--as-of", "2023-06-15"], env=env)
    assert live.exit_code == 0, live.output
    assert "go-live 2023-06-15: opening messages to" in live.output
    opened = len(smtp.wait_for(1))
    result = runner.invoke(app, ["sweep", "--as-of", "2023-06-16"], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "sweep 2023-06-16: found 2 notices due (0 of them already in the outbox); messages: 3 new,"
        " 0 cancelled, sent 3, failed 0, pending 0" in result.output
    )
    assert len(smtp.wait_for(opened + 3)) == opened + 3
    again = runner.invoke(app, ["sweep", "--as-of", "2023-06-16", "--format", "json"], env=env)
    assert again.exit_code == 0, again.output
    counts = json.loads(again.output)
    assert (counts["found"], counts["recorded"], counts["already_recorded"], counts["sent"]) == (
        2,
        0,
        2,
        0,
    )
    assert counts["go_live"] == "2023-06-15"
    assert len(smtp.messages()) == opened + 3


def test_go_live_is_recorded_once_and_a_different_one_is_refused(tmp_path):
    _prepare(tmp_path)
    env = _env(tmp_path)
    first = runner.invoke(
        app, ["sweep", "--as-of", "2023-06-01", "--go-live", "2023-06-15"], env=env
    )
    assert first.exit_code == 0, first.output
    assert "correspondence starts on 2023-06-15: nothing recorded or sent" in first.output
    assert not list((tmp_path / "outbox").glob("*.eml"))
    other = runner.invoke(
        app, ["sweep", "--as-of", "2023-06-16", "--go-live", "2023-06-10"], env=env
    )
    assert other.exit_code == 1
    assert "went live on 2023-06-15" in other.output and "Traceback" not in other.output
    assert not list((tmp_path / "outbox").glob("*.eml"))  # nothing changed
    weekend = runner.invoke(app, ["sweep", "--as-of", "2023-06-17"], env=env)
    assert "2023-06-17 is not a working day (weekend): nothing recorded or sent" in weekend.output


def test_without_a_notify_url_the_sweep_writes_eml_files_once(tmp_path):
    _prepare(tmp_path)
    env = _env(tmp_path)
    runner.invoke(app, ["sweep", "--as-of", "2023-06-28"], env=env)  # go-live: the openings
    opened = sorted((tmp_path / "outbox").glob("*.eml"))
    result = runner.invoke(app, ["sweep", "--as-of", "2023-06-30"], env=env)
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) > len(opened) and f"delivered through {tmp_path / 'outbox'}" in result.output
    assert not list((tmp_path / "outbox").glob(".*"))  # no temporary file left behind
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert (
        msg["Message-ID"].startswith("<untoc.")
        and msg.get_body(("plain",))
        and msg.get_body(("html",))
    )
    runner.invoke(app, ["sweep", "--as-of", "2023-06-30"], env=env)
    assert sorted((tmp_path / "outbox").glob("*.eml")) == files


def test_digest_command_is_once_a_month(tmp_path, smtp):
    _prepare(tmp_path)
    env = _env(tmp_path, smtp.url)
    first = runner.invoke(app, ["digest", "--as-of", "2023-06-16"], env=env)
    assert first.exit_code == 0, first.output
    assert (
        "digest 2023-06: summaries for 9 recipients (focal points and permanent missions),"
        " 9 of them new; messages sent 9, failed 0" in first.output
    )
    second = runner.invoke(app, ["digest", "--as-of", "2023-06-30"], env=env)
    assert "9 recipients (focal points and permanent missions), 0 of them new" in second.output
    assert "sent nothing new: this month's summaries were recorded and sent before" in (
        second.output
    )


def test_a_notify_url_that_is_not_email_is_bad_input(tmp_path):
    _prepare(tmp_path)
    result = runner.invoke(
        app, ["sweep", "--as-of", "2023-06-16"], env=_env(tmp_path, "json://localhost/hook")
    )
    assert result.exit_code == 1
    assert "is not an email URL" in result.output


def test_bad_date_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["sweep", "--as-of", "2023-13-01"], env=_env(tmp_path))
    assert result.exit_code == 2
