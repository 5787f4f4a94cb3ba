"""`untoc record` and `untoc import` check each review's facts against its own process:
the mutual evaluation's steps, not country_review's, and UNCAC's for UNCAC reviews."""

from __future__ import annotations

from pathlib import Path

from .conftest import ME_MECHANISM, refused, states, stored_events

UNCAC_SAMPLE = Path(__file__).parents[2] / "untoc_workflow" / "sample" / "uncac_mechanism.yaml"


def test_a_plenary_adoption_before_the_country_comments_is_refused_with_its_step(me_cli):
    me_cli("import", str(ME_MECHANISM))
    err = refused(me_cli, "record", "report_adopted", "--review", "ME-AUT", "--on", "2024-05-20")
    assert "--on" in err
    assert "ME-AUT is not at step plenary_adoption on 2024-05-20" in err
    assert "country_comments (Comments of the evaluated country)" in err
    assert states(me_cli)["ME-AUT"]["stage"] == "submissions"


def test_an_onsite_visit_before_the_effectiveness_submission_is_refused(me_cli):
    me_cli("import", str(ME_MECHANISM))
    err = refused(
        me_cli, "record", "onsite_visit_completed", "--review", "ME-AUT", "--on", "2024-05-02"
    )
    assert "step effectiveness_submission (Submission on effectiveness)" in err


def test_a_repeated_fact_of_the_mutual_evaluation_is_refused(me_cli):
    me_cli("import", str(ME_MECHANISM))
    err = refused(
        me_cli,
        "record",
        "technical_questionnaire_submitted",
        "--review",
        "ME-AUT",
        "--on",
        "2024-05-10",
    )
    assert "technical_questionnaire_submitted for review ME-AUT was already recorded on" in err
    assert "2024-04-30" in err


def test_facts_in_order_are_recorded_and_move_the_review(me_cli):
    me_cli("import", str(ME_MECHANISM))
    me_cli(
        "record", "effectiveness_submission_received", "--review", "ME-AUT", "--on", "2024-05-21"
    )
    me_cli("record", "onsite_visit_completed", "--review", "ME-AUT", "--on", "2024-05-30")
    me_cli("record", "draft_report_sent", "--review", "ME-AUT", "--on", "2024-06-01")
    assert states(me_cli)["ME-AUT"]["stage"] == "drafting"


def test_an_import_out_of_order_is_refused_at_its_place(me_cli, tmp_path):
    text = ME_MECHANISM.read_text(encoding="utf-8")
    count = text.split("\nevents:\n", 1)[1].count("  - {on:")
    path = tmp_path / "bad.yaml"
    path.write_text(
        text + "  - {on: 2024-05-02, type: report_adopted, review: ME-AUT}\n", encoding="utf-8"
    )
    err = me_cli("import", str(path), code=1).stderr
    assert f"bad.yaml:{len(text.splitlines()) + 1}: events[{count}]" in err
    assert "not at step plenary_adoption" in err
    assert stored_events(me_cli) == []


def test_step_waived_names_a_step_of_the_reviews_own_process(me_cli):
    me_cli("import", str(ME_MECHANISM))
    err = refused(
        me_cli,
        "record",
        "step_waived",
        "--review",
        "ME-AUT",
        "--step",
        "saq",
        "--on",
        "2024-05-02",
        "--basis",
        "x",
    )
    assert "--step" in err
    assert "onsite_visit" in err  # the mutual evaluation's steps are listed
    me_cli(
        "record",
        "step_waived",
        "--review",
        "ME-AUT",
        "--step",
        "onsite_visit",
        "--on",
        "2024-05-02",
        "--basis",
        "no visit needed",
    )
    me_cli(
        "record",
        "deadline_extended",
        "--review",
        "ME-AUT",
        "--step",
        "country_comments",
        "--due",
        "2025-01-31",
        "--basis",
        "plenary decision",
        "--on",
        "2024-05-02",
    )
    refused(
        me_cli,
        "record",
        "deadline_extended",
        "--review",
        "ME-AUT",
        "--step",
        "saq",
        "--due",
        "2025-01-31",
        "--basis",
        "x",
        "--on",
        "2024-05-02",
    )


def test_uncac_executive_summary_before_the_checklist_is_refused(me_cli):
    me_cli("import", str(UNCAC_SAMPLE))
    err = refused(
        me_cli,
        "record",
        "executive_summary_agreed",
        "--review",
        "IRM2-KEN",
        "--on",
        "2024-05-02",
    )
    assert "IRM2-KEN is not at step executive_summary on 2024-05-02" in err
    assert states(me_cli)["IRM2-KEN"]["stage"] == "self_assessment"
