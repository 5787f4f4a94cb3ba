"""`untoc record` and `untoc import` refuse facts that cannot be true, say why and where,
and change nothing; facts the contract allows in any order go in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MECHANISM = HERE / "mechanism.yaml"
SAMPLE = HERE.parents[1] / "untoc_workflow/sample/mechanism.json"
TODAY = date(2021, 6, 1)


@pytest.fixture()
def cli(untoc_cli):
    """`untoc ...` in a fresh folder, on SQLite and on PostgreSQL, on a fixed today."""
    return untoc_cli(TODAY)


def events_in_store(cli) -> list[dict]:
    cli("export", "store.json")
    return json.loads(Path("store.json").read_text(encoding="utf-8")).get("events", [])


def stage(cli, review: str, as_of: str = "2021-06-01") -> str:
    out = cli("status", "--as-of", as_of, "--review", review, "--format", "json").stdout
    return json.loads(out)[0]["stage"]


def refused(cli, *args: str) -> str:
    """Run a command that must be refused; the store must be as it was."""
    before = events_in_store(cli)
    result = cli(*args, code=1)
    assert events_in_store(cli) == before
    return result.stderr


# -- untoc record ---------------------------------------------------------------------


def test_record_refuses_observations_on_a_review_with_no_saq(cli):
    cli("import", str(MECHANISM))
    err = refused(
        cli, "record", "observations_agreed", "--review", "C1-G1-NGA", "--on", "2021-05-30"
    )
    assert "--on: review C1-G1-NGA is not at step observations on 2021-05-30" in err
    assert stage(cli, "C1-G1-NGA") == "questionnaire"


def test_record_refuses_a_date_after_today_as_the_prefect_form_does(cli):
    cli("import", str(MECHANISM))
    err = refused(cli, "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-06-02")
    assert "--on: saq_submitted dated 2021-06-02 is in the future (today is 2021-06-01)" in err
    err = refused(cli, "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2099-01-01")
    assert "in the future" in err
    err = refused(
        cli, "record", "experts_nominated", "--party", "GHA", "--count", "2", "--on", "2099-01-01"
    )
    assert "--on: experts_nominated dated 2099-01-01 is in the future" in err
    cli("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-06-01")
    assert stage(cli, "C1-G1-NGA") == "written_feedback"


def test_record_refuses_a_saq_before_the_start_a_second_saq_and_one_on_a_completed_review(cli):
    cli("import", str(MECHANISM))
    err = refused(cli, "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2020-11-01")
    assert "before step saq started (review C1-G1-NGA starts on 2020-12-01)" in err
    cli("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-03-01")
    err = refused(cli, "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-04-01")
    assert "saq_submitted for review C1-G1-NGA was already recorded on 2021-03-01" in err
    for party, on in (("GHA", "2021-04-10"), ("DEU", "2021-04-20")):
        cli(
            "record",
            "written_feedback_submitted",
            "--review",
            "C1-G1-NGA",
            "--party",
            party,
            "--on",
            on,
        )
    cli("record", "observations_agreed", "--review", "C1-G1-NGA", "--on", "2021-05-20")
    assert stage(cli, "C1-G1-NGA") == "completed"
    err = refused(cli, "record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-05-25")
    assert "already recorded on 2021-03-01" in err
    # the same fact again is no new fact: skipped, not refused
    again = cli("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-03-01")
    assert "nothing added" in again.stdout


def test_record_refuses_a_count_the_export_could_not_give_back(cli):
    # a count of 23 digits went into the store, and the export of that store was then
    # refused by `untoc import` (at most 18 digits): a backup that does not restore
    cli("import", str(MECHANISM))
    err = refused(
        cli,
        "record",
        "experts_nominated",
        "--party",
        "GHA",
        "--count",
        "99999999999999999999999",
        "--on",
        "2021-02-01",
    )
    assert "--count: Input should be less than or equal to 999999999999999999" in err
    cli("record", "experts_nominated", "--party", "GHA", "--count", "4", "--on", "2021-02-01")
    assert events_in_store(cli)[-1]["count"] == 4


def test_record_refuses_a_withdrawal_before_the_nomination_or_of_someone_else(cli):
    cli("import", str(MECHANISM))
    err = refused(
        cli,
        "record",
        "focal_point_withdrawn",
        "--party",
        "NGA",
        "--email",
        "a.bello@example.org",
        "--on",
        "2020-12-01",
    )
    assert (
        "--email: focal_point_withdrawn dated 2020-12-01: a.bello@example.org was nominated "
        "as a focal point of NGA only on 2020-12-05" in err
    )
    err = refused(
        cli,
        "record",
        "focal_point_withdrawn",
        "--party",
        "NGA",
        "--email",
        "k.mensah@example.org",
        "--on",
        "2021-01-01",
    )
    assert "k.mensah@example.org" in err


@pytest.mark.parametrize(
    "email",
    ["not-an-email", "a.osei@example.org\r\nBcc: all@example.org", "a.osei@example.org\n"],
)
def test_record_refuses_an_invalid_email_and_the_party_gets_no_focal_point(cli, email):
    cli("import", str(MECHANISM))
    cli(
        "record",
        "focal_point_withdrawn",
        "--party",
        "GHA",
        "--email",
        "k.mensah@example.org",
        "--on",
        "2021-02-01",
    )
    err = refused(
        cli,
        "record",
        "focal_point_nominated",
        "--party",
        "GHA",
        "--name",
        "A. Osei",
        "--email",
        email,
        "--on",
        "2021-02-02",
    )
    assert "--email:" in err and "is not an email address" in err
    out = cli("status", "--as-of", "2021-02-03", "--review", "C1-G1-GHA", "--format", "json")
    assert json.loads(out.stdout)[0]["parties_without_focal_point"] == ["GHA"]


def test_record_admits_what_the_contract_allows_in_any_order(cli):
    cli("import", str(MECHANISM))
    # Ghana's review: its SAQ before its preliminary consultation, an extension agreed
    # before the SAQ is late, one reviewer's feedback before the other's
    cli("record", "saq_submitted", "--review", "C1-G1-GHA", "--on", "2021-01-20")
    cli(
        "record",
        "preliminary_consultation_held",
        "--review",
        "C1-G1-GHA",
        "--on",
        "2021-02-01",
        "--languages",
        "en",
    )
    cli(
        "record",
        "deadline_extended",
        "--review",
        "C1-G1-GHA",
        "--step",
        "written_feedback",
        "--due",
        "2021-09-30",
        "--basis",
        "agreed with the reviewing parties",
        "--on",
        "2021-02-05",
    )
    cli(
        "record",
        "written_feedback_submitted",
        "--review",
        "C1-G1-GHA",
        "--party",
        "DEU",
        "--on",
        "2021-03-01",
    )
    cli(
        "record",
        "written_feedback_submitted",
        "--review",
        "C1-G1-GHA",
        "--party",
        "NGA",
        "--on",
        "2021-04-01",
    )
    assert stage(cli, "C1-G1-GHA") == "observations"


# -- untoc import ---------------------------------------------------------------------

IMPOSSIBLE = """\
format: untoc-mechanism/1
parties:
  - {code: NGA, name: Nigeria, regional_group: African, instruments: {UNTOC: 2001-06-28}}
  - {code: GHA, name: Ghana, regional_group: African, instruments: {UNTOC: 2012-08-21}}
  - {code: DEU, name: Germany, regional_group: WEOG, instruments: {UNTOC: 2005-06-14}}
reviews:
  - {id: C1-G1-NGA, cluster: 1, group: 1, reviewed: NGA, instruments: [UNTOC],
     reviewers: [{party: GHA, instruments: [UNTOC]}, {party: DEU, instruments: [UNTOC]}],
     starts_on: 2020-12-01}
events:
  - {on: 2020-12-05, type: focal_point_nominated, party: NGA, person: {name: B, email: b@un.org}}
  - {on: 2020-12-08, type: focal_point_nominated, party: GHA, person: {name: M, email: m@un.org}}
  - {on: 2020-12-10, type: focal_point_nominated, party: DEU, person: {name: W, email: w@un.org}}
  - {on: 2021-01-15, type: observations_agreed, review: C1-G1-NGA}
  - {on: 2020-11-20, type: saq_submitted, review: C1-G1-NGA}
  - {on: 2021-02-01, type: saq_submitted, review: C1-G1-NGA}
  - {on: 2021-03-01, type: saq_submitted, review: C1-G1-NGA}
  - {on: 2099-01-01, type: written_feedback_submitted, review: C1-G1-NGA}
  - {on: 2020-12-01, type: focal_point_withdrawn, party: DEU, email: w@un.org}
"""


@pytest.mark.parametrize("one_pass", [False, True], ids=["by-index", "one-pass"])
def test_import_reports_every_impossible_fact_with_its_place_and_imports_nothing(
    cli, monkeypatch, one_pass
):
    if one_pass:  # as for a large import: the touched reviews' facts read in one pass
        monkeypatch.setattr("untoc_workflow.store.admission.SCAN_FROM", 0)
    Path("impossible.yaml").write_text(IMPOSSIBLE, encoding="utf-8")
    err = refused(cli, "import", "impossible.yaml")
    lines = [line for line in err.splitlines() if "impossible.yaml:" in line]
    assert "nothing was imported" in err
    expected = [
        ("impossible.yaml:14: events[3].on", "not at step observations"),
        ("impossible.yaml:15: events[4].on", "before step saq started"),
        ("impossible.yaml:17: events[6]:", "already recorded on 2021-02-01"),
        ("impossible.yaml:18: events[7].on", "in the future (today is 2021-06-01)"),
        ("impossible.yaml:19: events[8].email", "nominated as a focal point of DEU only on"),
    ]
    for place, reason in expected:
        assert any(place in line and reason in line for line in lines), (place, err)
    assert len([line for line in lines if ": events[" in line]) == len(expected)
    assert json.loads(cli("status", "--format", "json").stdout) == []


def test_import_of_history_checks_dates_against_its_as_of(cli):
    history = IMPOSSIBLE.split("  - {on: 2021-01-15")[0]
    history += "  - {on: 2021-02-01, type: saq_submitted, review: C1-G1-NGA}\n"
    Path("history.yaml").write_text(history, encoding="utf-8")
    err = refused(cli, "import", "history.yaml", "--as-of", "2021-01-31")
    assert (
        "history.yaml:14: events[3].on: saq_submitted dated 2021-02-01 is after the date of "
        "this import (--as-of 2021-01-31)" in err
    )
    cli("import", "history.yaml", "--as-of", "2021-02-01")
    assert len(events_in_store(cli)) == 4


def test_import_refuses_invalid_email_addresses_of_persons_and_missions(cli):
    bad = IMPOSSIBLE.split("events:")[0].replace(
        "instruments: {UNTOC: 2001-06-28}}",
        "instruments: {UNTOC: 2001-06-28}, mission: {email: not-an-email}}",
    )
    bad += "events:\n  - {on: 2020-12-05, type: focal_point_nominated, party: GHA, person: "
    bad += '{name: K. Mensah, email: "k.mensah@example.org\\r\\nBcc: x@example.org"}}\n'
    Path("bad.yaml").write_text(bad, encoding="utf-8")
    err = refused(cli, "import", "bad.yaml")
    assert "bad.yaml:3: parties[0].mission.email: 'not-an-email' is not an email address" in err
    assert "events[0].person.email:" in err and "is not an email address" in err
    assert json.loads(cli("status", "--format", "json").stdout) == []


def test_the_bundled_sample_imports_with_every_fact_checked(cli, monkeypatch):
    monkeypatch.setattr("untoc_workflow.cli.core_commands.today", lambda: date(2024, 4, 16))
    out = cli("import", str(SAMPLE)).stdout
    assert "events: 620 added" in out


def test_record_refuses_an_extension_that_shortens_a_deadline_or_names_a_closed_step(cli):
    cli("import", str(MECHANISM))
    extend = ("record", "deadline_extended", "--review", "C1-G1-NGA", "--step", "saq")
    basis = ("--basis", "agreed with the reviewing parties", "--on", "2021-05-20")
    # Nigeria's SAQ was agreed for 2021-05-31: an earlier date, or the same, is no extension
    for due in ("2021-05-15", "2021-05-31"):
        err = refused(cli, *extend, "--due", due, *basis)
        assert f"--due: the new date {due} is not after the deadline of step saq" in err
        assert "(2021-05-31, agreed)" in err
    cli(*extend, "--due", "2021-06-30", *basis)
    out = cli("status", "--as-of", "2021-06-01", "--review", "C1-G1-NGA", "--format", "json")
    assert json.loads(out.stdout)[0]["next_deadline"]["due"] == "2021-06-30"
    cli("record", "saq_submitted", "--review", "C1-G1-NGA", "--on", "2021-05-25")
    err = refused(
        cli, *extend, "--due", "2021-07-31", "--basis", "late agreement", "--on", "2021-06-01"
    )
    assert "--step: step saq of review C1-G1-NGA is no longer open on 2021-06-01" in err


# -- untoc import: an extension gives more time ----------------------------------------

EXTENSIONS = """\
format: untoc-mechanism/1
events:
"""


def _extensions(name: str, *lines: str) -> str:
    Path(name).write_text(EXTENSIONS + "".join(f"  - {line}\n" for line in lines), "utf-8")
    return name


def _saq_due(cli, review: str = "C1-G1-NGA") -> str:
    out = cli("status", "--as-of", "2021-06-01", "--review", review, "--format", "json")
    return str(json.loads(out.stdout)[0]["next_deadline"]["due"])


def test_import_refuses_an_extension_that_shortens_a_deadline_or_names_a_closed_step(cli):
    cli("import", str(MECHANISM))
    ext = "type: deadline_extended, step: saq, basis: agreed with the reviewing parties"
    file = _extensions(
        "ext.yaml",
        "{on: 2021-03-01, type: saq_submitted, review: C1-G1-GHA}",
        f"{{on: 2021-04-01, review: C1-G1-GHA, due: 2021-09-30, {ext}}}",
        # Nigeria's SAQ was agreed for 2021-05-31 at the consultation
        f"{{on: 2021-02-01, review: C1-G1-NGA, due: 2021-05-15, {ext}}}",
        f"{{on: 2021-02-02, review: C1-G1-NGA, due: 2021-05-31, {ext}}}",
    )
    err = refused(cli, "import", file)
    assert "nothing was imported" in err
    assert (
        "ext.yaml:4: events[1].step: step saq of review C1-G1-GHA is no longer open on "
        "2021-04-01 (completed on 2021-03-01): there is no deadline to extend" in err
    )
    for line, at, due in ((5, 2, "2021-05-15"), (6, 3, "2021-05-31")):
        assert (
            f"ext.yaml:{line}: events[{at}].due: the new date {due} is not after the deadline "
            f"of step saq of review C1-G1-NGA on 2021-02-0{at - 1} (2021-05-31, agreed): an "
            "extension cannot shorten a deadline" in err
        )
    assert _saq_due(cli) == "2021-05-31"


def test_import_measures_each_extension_against_the_one_before_it_in_the_file_and_the_store(
    cli,
):
    cli("import", str(MECHANISM))
    ext = "type: deadline_extended, review: C1-G1-NGA, step: saq, basis: agreed"
    # extended, then extended again in the same file: both give more time
    longer = _extensions(
        "longer.yaml",
        f"{{on: 2021-02-01, due: 2021-06-30, {ext}}}",
        f"{{on: 2021-03-01, due: 2021-07-31, {ext}}}",
    )
    cli("import", longer)
    assert _saq_due(cli) == "2021-07-31"
    # the same file again, and its events in other bytes: stored already, nothing changes
    before = events_in_store(cli)
    assert "events: 0 added, 2 already stored" in cli("import", longer).stdout
    Path("copy.yaml").write_text(Path(longer).read_text("utf-8") + "\n", "utf-8")
    assert "events: 0 added, 2 already stored" in cli("import", "copy.yaml").stdout
    assert events_in_store(cli) == before
    # a second extension shorter than the first, in one file
    shorter = _extensions(
        "shorter.yaml",
        f"{{on: 2021-04-01, due: 2021-09-30, {ext}}}",
        f"{{on: 2021-04-02, due: 2021-08-31, {ext}}}",
    )
    err = refused(cli, "import", shorter)
    assert (
        "shorter.yaml:4: events[1].due: the new date 2021-08-31 is not after the deadline of "
        "step saq of review C1-G1-NGA on 2021-04-02 (2021-09-30, extended)" in err
    )
    # and one shorter than the store's
    late = _extensions("late.yaml", f"{{on: 2021-04-01, due: 2021-07-15, {ext}}}")
    err = refused(cli, "import", late)
    assert (
        "late.yaml:3: events[0].due: the new date 2021-07-15 is not after the deadline of step "
        "saq of review C1-G1-NGA on 2021-04-01 (2021-07-31, extended)" in err
    )
    assert _saq_due(cli) == "2021-07-31"
