"""Who recorded a fact from the command line (`untoc record --recorded-by`), and what
`untoc record` and `untoc import` say when no Prefect server answers: the facts are
recorded, and one line says the waiting runs were not resumed."""

from __future__ import annotations

import getpass
import socket
from pathlib import Path

import pytest

from untoc_workflow.orchestration import split_recorder

HERE = Path(__file__).parent
MECHANISM = HERE / "mechanism.yaml"
SAQ = ("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-06-10")


@pytest.fixture()
def cli(untoc_cli_sqlite):
    """`untoc ...` in a fresh folder with its own SQLite store, the test file imported."""
    run = untoc_cli_sqlite(None)
    run("import", str(MECHANISM))
    return run


def saq_notes(tmp_path: Path) -> list[str | None]:
    from untoc_workflow.store import open_store

    with open_store(f"sqlite:///{tmp_path / 'untoc.db'}") as store:
        return [
            e.note
            for e in store.snapshot().events
            if e.type == "saq_submitted" and e.review == "C1-G1-NGA"
        ]


def test_the_name_given_is_kept_with_the_fact_as_the_resume_form_keeps_it(cli, tmp_path):
    cli(*SAQ, "--note", "by diplomatic pouch", "--recorded-by", "  A.   Clerk ")
    [note] = saq_notes(tmp_path)
    assert note == "by diplomatic pouch; recorded by A. Clerk"
    assert split_recorder(note) == ("by diplomatic pouch", "A. Clerk")
    cli("export", str(tmp_path / "out.yaml"))
    assert "recorded by A. Clerk" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_without_a_name_the_login_name_of_the_command_line_is_kept(cli, tmp_path):
    cli(*SAQ)
    [note] = saq_notes(tmp_path)
    assert split_recorder(note) == (None, f"{getpass.getuser()} (untoc command line)")


def test_the_same_fact_recorded_twice_is_recorded_once(cli, tmp_path):
    cli(*SAQ)
    again = cli(*SAQ)  # the same content, the same recorder: the same content id
    assert (
        "already recorded: saq_submitted for review C1-G1-NGA on 2021-06-10, recorded by"
        f" {getpass.getuser()} (untoc command line) (nothing added)" in again.stdout
    )
    # by someone else: the review's own rule refuses the repeat, with its reason
    other = cli(*SAQ, "--recorded-by", "B. Clerk", code=1)
    assert "saq_submitted for review C1-G1-NGA was already recorded on 2021-06-10" in other.stderr
    assert len(saq_notes(tmp_path)) == 1


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("   ", "--recorded-by: a name is needed, not only spaces"),
        ("\t\n", "--recorded-by: a name is needed, not only spaces"),
        ("x" * 121, "--recorded-by: the name is 121 characters long; at most 120 are allowed"),
        ("A. Clerk; B. Clerk", "--recorded-by: a name may not contain ';'"),
        ("A.\x07Clerk", "--recorded-by: the name contains a control character"),
    ],
)
def test_a_name_that_cannot_be_kept_is_refused_with_the_option_named(cli, tmp_path, name, said):
    result = cli(*SAQ, "--recorded-by", name, code=1)
    assert said in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert saq_notes(tmp_path) == []


def test_the_longest_name_allowed_is_kept_whole(cli, tmp_path):
    cli(*SAQ, "--recorded-by", "x" * 120)
    [note] = saq_notes(tmp_path)
    assert split_recorder(note) == (None, "x" * 120)


@pytest.fixture()
def no_server(monkeypatch, tmp_path) -> str:
    """PREFECT_API_URL set to a port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api"
    monkeypatch.setenv("PREFECT_API_URL", url)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    return url


def test_with_no_server_record_records_and_says_so_in_one_line(cli, tmp_path, no_server):
    result = cli(*SAQ, "--recorded-by", "A. Clerk")
    assert result.stdout.strip() == (
        "recorded saq_submitted for review C1-G1-NGA on 2021-06-10, recorded by A. Clerk"
    )
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("note: recorded, but the waiting flow run was not resumed: ")
    assert f"no Prefect server answers at {no_server}" in line
    assert "untoc flows sync" in line
    assert len(saq_notes(tmp_path)) == 1


def test_with_no_server_import_records_the_facts_and_says_so_in_one_line(cli, tmp_path, no_server):
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "format: untoc-mechanism/1\nevents:\n"
        "  - {on: 2021-06-10, type: saq_submitted, review: C1-G1-NGA}\n",
        encoding="utf-8",
    )
    result = cli("import", str(facts))
    assert "events: 1 added" in result.stdout
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("note: the facts are recorded, but no run was resumed: ")
    assert f"no Prefect server answers at {no_server}" in line
    assert "untoc flows sync" in line
    assert saq_notes(tmp_path) == [None]  # an imported fact keeps the file's note
    # nothing new: the server is not asked, nothing more is said
    again = cli("import", str(facts))
    assert "events: 0 added" in again.stdout and not again.stderr
