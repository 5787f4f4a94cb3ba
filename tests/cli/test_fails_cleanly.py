"""No traceback reaches the secretariat: every command turns every failure into a message
(exit 1), usage errors exit 2, and names are printed as typed, brackets and all."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.main import get_command

from untoc_workflow.cli import app

HERE = Path(__file__).parent
MECHANISM = HERE / "mechanism.yaml"


def _commands(group, prefix=""):
    """Every command of the `untoc` app, with its path (`flows sync`)."""
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def test_every_command_fails_cleanly():
    commands = dict(_commands(get_command(app)))
    assert {"import", "export", "sweep", "digest", "forecast", "calendar", "decide"} <= set(
        commands
    )
    bare = [name for name, c in commands.items() if not getattr(c.callback, "fails_cleanly", 0)]
    assert bare == [], f"commands without @fails_cleanly: {bare}"


@pytest.fixture()
def untoc(untoc_cli_sqlite, tmp_path, monkeypatch):
    """Run `untoc ...` in a fresh folder with its own SQLite store; exceptions escape."""
    monkeypatch.delenv("UNTOC_DEBUG", raising=False)
    return untoc_cli_sqlite(None, UNTOC_OUTBOX_DIR=str(tmp_path / "outbox"))


def test_export_into_a_missing_folder_says_so(untoc, tmp_path):
    untoc("import", str(MECHANISM))
    result = untoc("export", str(tmp_path / "no-such-folder" / "out.json"), code=1)
    assert f"the folder {tmp_path / 'no-such-folder'} does not exist" in result.stderr
    assert not (tmp_path / "no-such-folder").exists()


@pytest.mark.parametrize("command", ["sweep", "digest", "forecast", "status", "report"])
def test_a_date_at_the_end_of_the_calendar_is_a_usage_error(untoc, command):
    untoc("import", str(MECHANISM))
    result = untoc(command, "--as-of", "9999-12-31", code=2)
    assert "outside the dates untoc works with" in result.stderr


def test_a_date_at_the_end_of_the_calendar_in_a_file_is_located(untoc, tmp_path):
    bad = tmp_path / "far.yaml"
    bad.write_text(
        MECHANISM.read_text(encoding="utf-8").replace(
            "starts_on: 2020-12-01", "starts_on: 9999-12-01", 1
        ),
        encoding="utf-8",
    )
    result = untoc("import", str(bad), code=1)
    assert "far.yaml:16: reviews[0].starts_on: 9999-12-01 is outside the dates" in result.stderr


def test_a_second_writer_on_sqlite_is_told_another_command_is_writing(untoc, tmp_path, monkeypatch):
    from untoc_workflow.store import dialect

    untoc("import", str(MECHANISM))
    monkeypatch.setattr(dialect, "BUSY_TIMEOUT_MS", 300)
    holder = sqlite3.connect(tmp_path / "untoc.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long import holds the write lock
    try:
        result = untoc(
            "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-06-01", code=1
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "another untoc command is writing to the store" in result.stderr
    untoc("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-06-01")


def test_square_brackets_in_a_file_name_are_printed_as_typed(untoc, tmp_path):
    (tmp_path / "[").mkdir()
    shutil.copy(MECHANISM, tmp_path / "[" / "x]sample.yaml")
    result = untoc("import", "[/x]sample.yaml")  # was: committed, then MarkupError
    assert "imported [/x]sample.yaml: parties: 3 added" in result.stdout
    bad = tmp_path / "bad [v2].yaml"
    bad.write_text(
        MECHANISM.read_text(encoding="utf-8").replace("party: NGA, count", "party: NGR, count"),
        encoding="utf-8",
    )
    result = untoc("import", str(bad), code=1)
    assert "bad [v2].yaml:30: events[3].party: unknown party 'NGR'" in result.stderr


def test_square_brackets_in_a_value_are_printed_as_typed(untoc):
    untoc("import", str(MECHANISM))
    result = untoc("status", "--review", "[/bold]C1", code=1)
    assert "no review '[/bold]C1'" in result.stderr
    result = untoc("record", "saq_submitted", "--review", "C1-G1-NGA", "--note", "[red]x[/]")
    assert "recorded saq_submitted" in result.stdout


def test_a_party_name_with_a_line_break_in_the_store_still_gives_calendars(untoc, tmp_path):
    # a name may hold a line break (store/limits.py); a calendar shows it on one line
    untoc("import", str(MECHANISM))
    with sqlite3.connect(tmp_path / "untoc.db") as db:
        db.execute("UPDATE party SET name = 'Gha\r\nna' WHERE code = 'GHA'")
    out = tmp_path / "calendars"
    result = untoc("calendar", "--out", str(out), "--include-overdue", "--as-of", "2021-06-01")
    assert "wrote 3 calendar file(s)" in result.stdout
    assert "X-WR-CALNAME:Country review: Gha na (GHA)" in (out / "GHA.ics").read_text()


def test_an_unforeseen_failure_is_named_without_a_traceback(untoc, monkeypatch):
    from untoc_workflow.store import store as store_module

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module.Store, "snapshot", broken)
    monkeypatch.setattr(store_module.Store, "fold_snapshot", broken)  # status today reads it
    untoc("import", str(MECHANISM))
    result = untoc("status", "--as-of", "2021-06-01", code=1)
    assert "did not foresee (RuntimeError: disk on fire)" in result.stderr
    assert "UNTOC_DEBUG=1" in result.stderr


def test_usage_errors_still_exit_2(untoc):
    result = untoc("status", "--as-of", "16/04/2024", code=2)
    assert "YYYY-MM-DD" in result.stderr


def test_json_output_is_unchanged_by_the_console_settings(untoc):
    untoc("import", str(MECHANISM))
    out = untoc("status", "--as-of", "2021-06-01", "--format", "json").stdout
    assert {s["review"] for s in json.loads(out)} == {"C1-G1-NGA", "C1-G1-GHA"}


def test_typer_is_the_one_we_expect():
    # fails_cleanly lets typer's own usage errors through by their base class
    assert issubclass(typer.BadParameter, typer.TyperException)


def test_a_yaml_export_too_large_to_read_back_says_so_and_json_reads_back(
    untoc, tmp_path, monkeypatch
):
    from untoc_workflow import inputfile

    untoc("import", str(MECHANISM))
    # a limit of 500 bytes for the exported file alone (the process definitions read on the
    # way keep theirs)
    real = inputfile.MAX_YAML_BYTES
    monkeypatch.setattr(inputfile, "MAX_YAML_BYTES", 500)
    monkeypatch.setattr(
        inputfile, "limit_for", lambda path: 500 if Path(path).name.startswith("big") else real
    )
    result = untoc("export", "big.yaml")
    assert "export to a .json file to import it again" in result.stderr
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    refused = untoc("import", "big.yaml", code=1)
    assert "big.yaml: is " in refused.stderr and "write a large mechanism as JSON" in refused.stderr
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'untoc.db'}")
    untoc("export", "big.json")
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    assert "parties: 3 added" in untoc("import", "big.json").stdout


def test_an_unforeseen_failure_quoting_the_mail_url_does_not_print_its_password(untoc, monkeypatch):
    url = "mailtos://alice:Se%2Fcret@smtp.example.org?from=untoc@example.org"
    monkeypatch.setenv("UNTOC_NOTIFY_URL", url)
    from untoc_workflow.store import store as store_module

    def broken(self, *args, **kwargs):
        raise RuntimeError(f"cannot reach {url}")

    monkeypatch.setattr(store_module.Store, "snapshot", broken)
    monkeypatch.setattr(store_module.Store, "fold_snapshot", broken)  # status today reads it
    untoc("import", str(MECHANISM))
    result = untoc("status", "--as-of", "2021-06-01", code=1)
    assert "Se%2Fcret" not in result.stderr and "alice" not in result.stderr
    assert "cannot reach $UNTOC_NOTIFY_URL" in result.stderr


def test_a_database_server_that_does_not_answer_is_named(untoc, monkeypatch):
    monkeypatch.setenv("UNTOC_DATABASE_URL", "postgresql+psycopg://postgres:pw1234@127.0.0.1:1/x")
    result = untoc("status", "--as-of", "2021-06-01", code=1)
    assert "the store cannot be reached" in result.stderr
    assert "UNTOC_DATABASE_URL" in result.stderr and "pw1234" not in result.stderr
