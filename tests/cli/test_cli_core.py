"""The command line as the secretariat uses it: import, record, status, export."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MECHANISM = HERE / "mechanism.yaml"


@pytest.fixture()
def cli(untoc_cli_sqlite):
    """Run `untoc ...` in a fresh folder with its own SQLite store."""
    return untoc_cli_sqlite(None)


def status(cli, as_of: str) -> dict[str, dict]:
    out = cli("status", "--as-of", as_of, "--format", "json").stdout
    return {s["review"]: s for s in json.loads(out)}


def test_import_then_status_shows_stage_deadline_and_source(cli):
    cli("import", str(MECHANISM))
    states = status(cli, "2021-05-17")
    nga = states["C1-G1-NGA"]
    assert nga["stage"] == "questionnaire"
    assert nga["next_deadline"] == {"step": "saq", "due": "2021-05-31", "source": "agreed"}
    gha = states["C1-G1-GHA"]
    assert gha["stage"] == "not_started"
    assert gha["waiting_for"] == ["GHA"]
    table = cli("status", "--as-of", "2021-05-17").stdout
    assert "C1-G1-NGA" in table and "questionnaire" in table and "2021-05-31" in table


def test_a_json_file_is_scanned_once_for_its_questionnaires_and_its_events(cli, monkeypatch):
    """The command checks the file's questionnaires before writing anything, then imports
    its events: one scan of the file serves both (a 1,000,000-event file costs seconds to
    scan), and the events still all arrive."""
    from untoc_workflow.mechanism_file.source import JsonStream

    sample = Path(__file__).resolve().parents[2] / "untoc_workflow" / "sample" / "mechanism.json"
    scans: list[str] = []
    real_open = JsonStream.open.__func__

    def counted(cls, path):
        scans.append(str(path))
        return real_open(cls, path)

    monkeypatch.setattr(JsonStream, "open", classmethod(counted))
    out = cli("import", str(sample), "--as-of", "2024-04-16").stdout
    assert scans == [str(sample)]
    events = len(json.loads(sample.read_text(encoding="utf-8"))["events"])
    assert f"{events} events added" in out or f"events: {events}" in out, out


def test_importing_the_same_file_twice_adds_nothing(cli):
    first = cli("import", str(MECHANISM)).stdout
    before = status(cli, "2022-01-01")
    second = cli("import", str(MECHANISM)).stdout
    assert first != second
    assert status(cli, "2022-01-01") == before


def test_record_appends_a_fact_and_moves_the_review_on(cli):
    cli("import", str(MECHANISM))
    cli("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-06-10", "--id", "saq-nga")
    after = status(cli, "2021-06-10")["C1-G1-NGA"]
    assert after["stage"] == "written_feedback"
    assert after["next_deadline"] == {
        "step": "written_feedback",
        "due": "2021-11-30",
        "source": "agreed",
    }
    again = cli(
        "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-06-10", "--id", "saq-nga"
    )
    assert "nothing added" in again.stdout


def test_record_with_an_unknown_review_fails_naming_the_option_and_changes_nothing(cli):
    cli("import", str(MECHANISM))
    before = status(cli, "2022-01-01")
    result = cli("record", "saq_submitted", "--review", "C1-G1-NG", "--on", "2021-06-10", code=1)
    assert "--review" in result.stderr
    assert "C1-G1-NGA" in result.stderr  # did you mean
    assert status(cli, "2022-01-01") == before


def test_record_suggests_a_review_typed_in_the_wrong_case_and_refuses_an_empty_date(cli):
    cli("import", str(MECHANISM))
    before = status(cli, "2022-01-01")
    lower = cli("record", "saq_submitted", "--review", "c1-g1-nga", "--on", "2021-06-10", code=1)
    assert "did you mean 'C1-G1-NGA'?" in lower.stderr
    # a script's empty variable is not today's date
    empty = cli("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "", code=1)
    assert "on" in empty.stderr and "Traceback" not in empty.stderr
    assert status(cli, "2022-01-01") == before


def test_a_bad_file_is_refused_with_its_location_and_changes_nothing(cli, tmp_path):
    cli("import", str(MECHANISM))
    before = status(cli, "2022-01-01")
    bad = tmp_path / "bad.yaml"
    text = MECHANISM.read_text(encoding="utf-8").replace(
        "type: experts_nominated, party: NGA", "type: experts_nominated, party: NGR"
    )
    text += "  - {on: 2021-06-01, type: saq_submitted, review: C1-G1-GHA}\n"
    bad.write_text(text, encoding="utf-8")
    result = cli("import", str(bad), code=1)
    assert "bad.yaml:" in result.stderr and "events[3].party" in result.stderr
    assert status(cli, "2022-01-01") == before


def test_export_then_import_into_an_empty_store_gives_the_same_state(cli, tmp_path, monkeypatch):
    cli("import", str(MECHANISM))
    cli(
        "record",
        "focal_point_withdrawn",
        "--party",
        "DEU",
        "--email",
        "j.weber@example.org",
        "--on",
        "2021-03-01",
    )
    exported = tmp_path / "export.json"
    cli("export", str(exported))
    before = status(cli, "2021-06-01")
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'other.db'}")
    cli("import", str(exported))
    assert status(cli, "2021-06-01") == before


def test_usage_errors_exit_2_and_bad_input_exits_1(tmp_path):
    env = {**os.environ, "UNTOC_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    untoc = [sys.executable, "-m", "untoc_workflow"]
    usage = subprocess.run(
        [*untoc, "status", "--as-of", "16/04/2024"], env=env, capture_output=True, text=True
    )
    assert usage.returncode == 2 and "YYYY-MM-DD" in usage.stderr
    missing = subprocess.run(
        [*untoc, "import", str(tmp_path / "nope.yaml")], env=env, capture_output=True, text=True
    )
    assert missing.returncode == 1 and "file not found" in missing.stderr


def test_status_json_is_the_text_the_standard_library_writes(cli):
    """orjson writes `untoc status --format json`: the text stays what
    json.dumps(indent=2, ensure_ascii=False) wrote, letters beyond ASCII as they are."""
    from untoc_workflow.cli.core_commands import status_json

    cli("import", str(MECHANISM))
    cli(
        "record",
        "deadline_extended",
        "--review",
        "C1-G1-NGA",
        "--step",
        "saq",
        "--due",
        "2021-09-30",
        "--basis",
        "Décision 5/1 « délais » — 延长",
        "--on",
        "2021-05-20",
    )
    out = cli("status", "--as-of", "2021-06-01", "--format", "json").stdout
    states = json.loads(out)
    assert len(states) > 1
    nga = next(s for s in states if s["review"] == "C1-G1-NGA")
    assert nga["next_deadline"]["basis"] == "Décision 5/1 « délais » — 延长"
    assert out == json.dumps(states, indent=2, ensure_ascii=False) + "\n"
    for value in ([], {}, [{"a": None, "b": [1, True], "c": {}}], ['\x00\t\u2028 "\\ é']):
        assert status_json(value) == json.dumps(value, indent=2, ensure_ascii=False)
