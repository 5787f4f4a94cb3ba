"""The mutual evaluation, version 2 (tests/processes/mutual_evaluation_v2), run end to end
by the commands of the engine on SQLite and PostgreSQL: its two folders added to the
bundled ones, nothing of UNTOC's in its way. Version 2 uses what the format grew for it:
steps after several steps, facts in order, dates in order, a list of assessors, yearly
follow-up reports counted from the adoption, and the titles of its own bodies."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import ME_MECHANISM, ME_V2, ME_V2_REVIEWS, refused, states, stored_events


def steps_of(state: dict) -> dict[str, dict]:
    return {s["step"]: s for s in state["steps"]}


def test_import_and_status_follow_version_2(me_cli):
    me_cli("import", str(ME_V2_REVIEWS))
    found = states(me_cli)
    chl, tha = found["ME2-CHL"], found["ME2-THA"]
    assert (chl["process"], chl["process_version"]) == ("mutual_evaluation", 2)
    assert chl["stage"] == "adopted"
    steps = steps_of(chl)
    # the follow-up reports are due 12, 24 and 36 months after the adoption date
    # (adopted_on 2023-02-17, recorded on 2023-02-24), the first one late, and the second
    # not moved by its lateness
    assert steps["follow_up_1"]["status"] == "completed"
    assert steps["follow_up_1"]["deadline"]["due"] == "2024-02-17"
    assert steps["follow_up_2"]["deadline"]["due"] == "2025-02-17"
    assert steps["follow_up_3"]["deadline"]["due"] == "2026-02-17"
    # the two submissions run side by side: the effectiveness one from the review's start
    assert tha["stage"] == "submissions"
    tha_steps = steps_of(tha)
    assert tha_steps["effectiveness_submission"]["status"] == "open"
    assert tha_steps["effectiveness_submission"]["deadline"]["due"] == "2024-07-08"
    assert tha_steps["onsite_visit"]["status"] == "not_started"


def test_each_impossible_fact_is_refused_with_its_place(me_cli):
    me_cli("import", str(ME_V2_REVIEWS))
    # the visit comes after both submissions: the effectiveness one is not recorded
    err = refused(
        me_cli,
        "record",
        "onsite_visit_completed",
        "--review",
        "ME2-THA",
        "--on",
        "2024-05-30",
        "--starts-on",
        "2024-05-27",
        "--ends-on",
        "2024-05-30",
        "--assessors",
        "A. Schmidt, K. Tan",
    )
    assert "--on" in err
    assert "comes before effectiveness_submission_received of review ME2-THA" in err
    # the visit cannot end before it starts
    me_cli(
        "record", "effectiveness_submission_received", "--review", "ME2-THA", "--on", "2024-05-06"
    )
    err = refused(
        me_cli,
        "record",
        "onsite_visit_completed",
        "--review",
        "ME2-THA",
        "--on",
        "2024-05-30",
        "--starts-on",
        "2024-05-27",
        "--ends-on",
        "2024-05-20",
        "--assessors",
        "A. Schmidt",
    )
    assert "ends_on (2024-05-20) cannot be before starts_on (2024-05-27)" in err
    # a follow-up report before the adoption, and one repeated
    err = refused(
        me_cli,
        "record",
        "follow_up_report_submitted_1",
        "--review",
        "ME2-THA",
        "--on",
        "2024-05-30",
    )
    assert "ME2-THA is not at step follow_up_1 on 2024-05-30" in err
    err = refused(
        me_cli,
        "record",
        "follow_up_report_submitted_1",
        "--review",
        "ME2-CHL",
        "--on",
        "2024-05-30",
    )
    assert "already recorded on 2024-04-15" in err
    # a step of another process
    refused(
        me_cli,
        "record",
        "step_waived",
        "--review",
        "ME2-THA",
        "--step",
        "written_feedback",
        "--basis",
        "x",
        "--on",
        "2024-05-30",
    )
    # in order, the visit is recorded with its dates and assessors
    me_cli(
        "record",
        "onsite_visit_completed",
        "--review",
        "ME2-THA",
        "--on",
        "2024-05-30",
        "--starts-on",
        "2024-05-27",
        "--ends-on",
        "2024-05-30",
        "--assessors",
        "A. Schmidt, K. Tan",
    )
    visit = [e for e in stored_events(me_cli) if e["type"] == "onsite_visit_completed"]
    assert {e["review"]: e["assessors"] for e in visit}["ME2-THA"] == ["A. Schmidt", "K. Tan"]


def test_a_decision_moves_a_deadline_of_the_mutual_evaluation(me_cli, tmp_path):
    me_cli("import", str(ME_V2_REVIEWS))
    decision = tmp_path / "decision.yaml"
    decision.write_text(
        "decision: PLENARY-2024/1\n"
        "title: Two more months for Thailand's submission on effectiveness\n"
        "adopted_on: 2024-05-15\n"
        "effects:\n"
        "  - kind: extend_deadline\n"
        "    step: effectiveness_submission\n"
        "    by: 2 months\n"
        "    reviews: {ids: [ME2-THA]}\n",
        encoding="utf-8",
    )
    me_cli("decide", str(decision), "--as-of", "2024-05-20")
    due = steps_of(states(me_cli)["ME2-THA"])["effectiveness_submission"]["deadline"]
    assert due["due"] == "2024-09-08"


def test_a_review_of_version_1_migrates_to_version_2(me_cli):
    me_cli("import", str(ME_MECHANISM))
    me_cli("migrate", "--to", "mutual_evaluation@2", "--on", "2024-05-01", "--reviews", "ME-AUT")
    aut = states(me_cli)["ME-AUT"]
    assert aut["process_version"] == 2
    # version 2's effectiveness step runs from the review's start (2024-01-08)
    assert steps_of(aut)["effectiveness_submission"]["deadline"]["due"] == "2024-07-08"
    assert "follow_up_3" in steps_of(aut)


def test_export_and_import_give_back_the_same_store(me_cli, tmp_path, monkeypatch):
    me_cli("import", str(ME_V2_REVIEWS))
    me_cli(
        "record", "effectiveness_submission_received", "--review", "ME2-THA", "--on", "2024-05-06"
    )
    me_cli("export", str(tmp_path / "first.json"))
    monkeypatch.setenv("UNTOC_DATABASE_URL", f"sqlite:///{tmp_path / 'again.db'}")
    me_cli("import", str(tmp_path / "first.json"))
    me_cli("export", str(tmp_path / "second.json"))
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    second = json.loads((tmp_path / "second.json").read_text(encoding="utf-8"))
    assert first == second
    assert any(e["type"] == "follow_up_report_submitted_1" for e in second["events"])


def test_the_diagram_and_the_titles_of_its_bodies(me_cli):
    from untoc_workflow.definitions import load_definitions

    out = me_cli("processes", "--diagram", "mutual_evaluation@2").stdout
    assert out.startswith("flowchart TD\n")
    assert "technical_questionnaire -->|all completed| onsite_visit" in out
    assert "effectiveness_submission -->|all completed| onsite_visit" in out
    assert "plenary_adoption -->|completed| follow_up_3" in out
    assert "clock 36 months" in out
    latest = me_cli("processes", "--diagram", "mutual_evaluation").stdout
    assert latest == out
    v2 = load_definitions([Path(ME_V2)]).get("mutual_evaluation", 2)
    assert v2 is not None
    assert v2.role_title("chair", "fr") == "Président de la Plénière"
    assert v2.role_title("body", "ru") == "Plenary"  # not given in Russian: the English
    assert v2.role_title("rapporteur") is None


def test_the_70_percent_rule_counts_only_the_reviews_of_its_own_process(me_cli, tmp_path):
    untoc = Path(__file__).parents[1] / "cli" / "mechanism.yaml"
    me_cli("import", str(untoc))
    me_cli("import", str(ME_MECHANISM))  # three mutual evaluations, in no cluster
    # two more numbered "cluster 1, group 1" as a process without clusters may write them
    numbered = ME_V2_REVIEWS.read_text(encoding="utf-8").replace(
        "    process_version: 2\n", "    process_version: 2\n    cluster: 1\n    group: 1\n"
    )
    (tmp_path / "numbered.yaml").write_text(numbered, encoding="utf-8")
    me_cli("import", str(tmp_path / "numbered.yaml"))
    (status,) = json.loads(me_cli("clusters", "--as-of", "2024-06-03", "--format", "json").stdout)
    assert status["cluster"] == 1
    assert status["reviews"] == 2  # C1-G1-GHA and C1-G1-NGA: the country reviews alone


def test_the_mechanism_file_asks_the_untoc_shape_of_untoc_reviews_only(me_cli, tmp_path):
    text = ME_V2_REVIEWS.read_text(encoding="utf-8")
    # a body of its own: no cluster or group, one assessor country
    other = text.replace(
        "    reviewed: THA\n    instruments: [UNTOC]\n"
        "    reviewers: [{party: CHL, instruments: [UNTOC]}, {party: AUT, instruments: [UNTOC]}]",
        "    reviewed: THA\n    instruments: [UNTOC]\n"
        "    reviewers: [{party: CHL, instruments: [UNTOC]}]",
    )
    assert other != text and "cluster" not in other
    (tmp_path / "other.yaml").write_text(other, encoding="utf-8")
    me_cli("import", str(tmp_path / "other.yaml"))
    # the same for a review of the UNTOC country review: refused where it is written
    untoc = other.replace("    process: mutual_evaluation\n    process_version: 2\n", "")
    (tmp_path / "untoc.yaml").write_text(untoc, encoding="utf-8")
    err = me_cli("import", str(tmp_path / "untoc.yaml"), code=1).stderr
    line = untoc.splitlines().index("  - id: ME2-THA") + 1
    assert f"untoc.yaml:{line}: reviews[1].cluster: required key 'cluster' is missing" in err
    assert "reviews[1].group: required key 'group' is missing" in err
    assert "reviews[1].reviewers: a review of country_review has 2 or more reviewing" in err
    # numbered outside the Mechanism's clusters: refused, named where it is written
    seven = untoc.replace(
        "    reviewed: THA\n", "    cluster: 7\n    group: 1\n    reviewed: THA\n"
    )
    (tmp_path / "seven.yaml").write_text(seven, encoding="utf-8")
    err = me_cli("import", str(tmp_path / "seven.yaml"), code=1).stderr
    line = seven.splitlines().index("    cluster: 7") + 1
    assert f"seven.yaml:{line}: reviews[1].cluster: cluster 7 is not a cluster of the" in err


def test_a_review_without_cluster_or_group_runs_status_report_and_export(me_cli):
    me_cli("import", str(ME_V2_REVIEWS))
    found = states(me_cli)
    assert found["ME2-CHL"]["stage"] == "adopted"
    # the table leaves the group of a review its process does not number empty
    table = me_cli("status", "--as-of", "2024-06-03").stdout
    row = next(line for line in table.splitlines() if "ME2-CHL" in line)
    assert [cell.strip() for cell in row.split("│")[1:3]] == ["ME2-CHL", ""]
    report = json.loads(me_cli("report", "--as-of", "2024-06-03", "--format", "json").stdout)
    assert report["processes"]["mutual_evaluation"]["reviews"] == 2
    stored = json.loads(
        (me_cli("export", "again.json") and Path("again.json")).read_text(encoding="utf-8")
    )
    # exported as imported: no cluster or group written for them
    assert [sorted(r) for r in stored["reviews"]] == [
        ["id", "instruments", "process", "process_version", "reviewed", "reviewers", "starts_on"]
    ] * 2
