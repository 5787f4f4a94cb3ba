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


def test_sweep_sends_through_the_notify_url_and_prints_the_counts(tmp_path, smtp):
    _prepare(tmp_path)
    env = _env(tmp_path, smtp.url)
    result = runner.invoke(app, ["sweep", "--as-of", "2023-06-16"], env=env)
    assert result.exit_code == 0, result.output
    assert (
        "sweep 2023-06-16: found 3, recorded 4 (0 already recorded), cancelled 0, "
        "sent 4, failed 0, pending 0" in result.output
    )
    assert len(smtp.wait_for(4)) == 4
    again = runner.invoke(app, ["sweep", "--as-of", "2023-06-16", "--format", "json"], env=env)
    assert again.exit_code == 0, again.output
    counts = json.loads(again.output)
    assert (counts["found"], counts["recorded"], counts["already_recorded"], counts["sent"]) == (
        3,
        0,
        3,
        0,
    )
    assert len(smtp.messages()) == 4


def test_without_a_notify_url_the_sweep_writes_eml_files_once(tmp_path):
    _prepare(tmp_path)
    env = _env(tmp_path)
    result = runner.invoke(app, ["sweep", "--as-of", "2023-06-30"], env=env)
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 5 and f"delivered through {tmp_path / 'outbox'}" in result.output
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
    assert "digest 2023-06: 9 summaries, 9 new, sent 9, failed 0" in first.output
    second = runner.invoke(app, ["digest", "--as-of", "2023-06-30"], env=env)
    assert "digest 2023-06: 9 summaries, 0 new, sent 0, failed 0" in second.output


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
