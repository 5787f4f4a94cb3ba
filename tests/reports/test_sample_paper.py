"""The sample's report on 2024-04-16 reproduces the figures of the 2024 background paper.

Each test names the paragraph it checks. Where the paper contradicts itself the sample's
choice is documented in untoc_workflow/sample/generate.py and asserted here as chosen.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from untoc_workflow.reports import status_report
from untoc_workflow.sample.generate import SAMPLE_FILE, generate

PAPER_DATE = date(2024, 4, 16)


@pytest.fixture(scope="module")
def report(process: Any, sample: Any) -> dict[str, Any]:
    return status_report(process, sample, PAPER_DATE)


def test_the_committed_sample_is_what_the_generator_writes():
    written = json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))
    assert generate() == written


def test_189_parties_with_real_names_codes_and_regional_groups(sample_doc):
    parties = {p["code"]: p for p in sample_doc["parties"]}
    assert len(parties) == 189  # para 5: 188 States and one organisation
    assert parties["EU"]["name"] == "European Union"
    assert parties["TUR"]["regional_group"] == "WEOG"  # chosen explicitly in mechanism.yaml
    assert parties["NGA"]["name"] == "Nigeria" and parties["NGA"]["regional_group"] == "African"
    assert parties["BRA"]["regional_group"] == "GRULAC"
    assert all(p["regional_group"] for p in parties.values())
    assert sum(1 for p in parties.values() if p["mission"] is None) >= 3  # no mission in Vienna


def test_three_groups_of_62_63_64_with_their_start_dates_and_two_reviewers(sample_doc):
    by_group: dict[int, list[dict[str, Any]]] = {}
    for r in sample_doc["reviews"]:
        by_group.setdefault(r["group"], []).append(r)
    assert {g: len(rs) for g, rs in by_group.items()} == {1: 62, 2: 63, 3: 64}  # para 7
    starts = {g: {r["starts_on"] for r in rs} for g, rs in by_group.items()}
    assert starts == {1: {"2020-12-01"}, 2: {"2021-11-01"}, 3: {"2022-11-01"}}  # para 22
    region = {p["code"]: p["regional_group"] for p in sample_doc["parties"]}
    for r in sample_doc["reviews"]:
        reviewers = [a["party"] for a in r["reviewers"]]
        assert len(reviewers) == 2 and r["reviewed"] not in reviewers
        assert region[reviewers[0]] == region[r["reviewed"]]  # one from its own group
        assert region[reviewers[1]] != region[r["reviewed"]]  # one from another


def test_para_23_reviews_under_way_by_stage(report):
    assert report["reviews"]["total"] == 189
    stages = report["reviews"]["by_stage"]
    assert stages["questionnaire"] == 32
    assert stages["written_feedback"] == 37
    assert stages["observations"] == 4
    assert stages["questionnaire"] + stages["written_feedback"] + stages["observations"] == 73


def test_para_15_reviews_not_started(report):
    assert report["reviews"]["by_stage"]["not_started"] == 116


def test_para_24_no_review_completed(report):
    assert report["reviews"]["by_stage"]["completed"] == 0
    assert report["observations"] == {"at_stage": 4, "completed": 0}  # para 40


def test_para_15_parties_without_focal_point_hold_up_reviews(report):
    fp = report["focal_points"]
    assert fp["parties_without"] == 26
    assert fp["reviews_blocked"] == 65
    assert sum(fp["blocked_by_group"].values()) == 65  # figure I


def test_para_12_focal_points_and_women(report):
    fp = report["focal_points"]
    assert fp["persons"] == 174
    assert fp["parties_with"] == 163
    assert fp["women"] == 54
    assert round(fp["women"] / fp["persons"] * 100) == 31


def test_para_12_ministries_of_focal_points(report):
    ministries = report["focal_points"]["ministries"]
    shares = {m: round(n / 174 * 100) for m, n in ministries.items()}
    assert shares == {"Foreign Affairs": 48, "Justice": 36, "Interior": 16}


def test_para_13_several_focal_points(report):
    assert report["focal_points"]["parties_with_several"] == 8


def test_para_14_parties_that_changed_focal_point(report):
    fp = report["focal_points"]
    assert fp["parties_changed"] == 73
    assert round(fp["parties_changed"] / fp["parties_with"] * 100, 1) == 44.8


def test_para_18_experts(report):
    assert report["experts"]["persons"] == 1003
    assert report["experts"]["women"] == 343
    assert round(report["experts"]["women_share"] * 100) == 34


def test_para_26_consultations_held(report):
    held = report["preliminary_consultations"]
    assert held["held"] == 73
    assert round(held["held"] / 189 * 100, 1) == 38.6
    by_group = held["by_group"]
    assert max(by_group, key=by_group.get) == "1"  # the largest number in group 1 (fig. III)


def test_para_28_languages(report):
    langs = report["languages"]
    assert langs["single"] == {"en": 42, "fr": 2, "es": 2, "ar": 1}
    assert sum(langs["single"].values()) == 47
    assert langs["pairs"] == {
        "en+fr": 6,
        "ar+en": 7,
        "en+es": 4,
        "en+ru": 1,
        "en+zh": 1,
        "es+fr": 1,
    }
    assert sum(langs["triples"].values()) == 4
    for triple in langs["triples"]:
        assert set(triple.split("+")) <= {"en", "ar", "es", "fr", "ru"}
    assert langs["no_agreement"] == 2


def test_para_32_saq_lateness(report):
    q = report["questionnaires"]
    assert q["submitted"] == 41
    late = q["lateness"]
    assert late["on_time"] == 14
    assert late["late_1_10_days"] == 6
    assert late["late_11_days_3_months"] == 11
    assert late["late_over_6_months"] == 10
    assert late["late_over_1_year"] == 5
    assert late["late_3_6_months"] == 0  # 14 + 6 + 11 + 10 = 41: none in between


def test_para_33_questionnaires_in_preparation(report):
    assert report["questionnaires"]["in_preparation"] == 32


def test_paras_36_37_written_feedback(report):
    wf = report["written_feedback"]
    assert wf["at_stage"] == 37
    assert wf["completed"] == 4
    assert wf["late"] == 32
    assert wf["late"] / wf["at_stage"] > 0.85
    assert wf["late_over_1_year"] == 19
    assert round(wf["late_over_1_year"] / wf["late"] * 100) == 59


def test_para_25_group_1_against_the_70_percent_rule(report):
    progress = report["cluster_progress"]
    assert progress["group"] == 1 and progress["total"] == 62
    assert progress["completed"] == 0 and progress["share"] == 0.0
    assert progress["threshold"] == 0.7
    assert progress["next_cluster_may_start"] is False


def test_per_group_figures_add_up_to_the_totals(report):
    stages = report["reviews"]["by_stage"]
    for stage, total in stages.items():
        assert sum(g[stage] for g in report["reviews"]["by_group"].values()) == total
    q = report["questionnaires"]["by_group"]
    assert sum(g["submitted"] for g in q.values()) == 41
    wf = report["written_feedback"]["by_group"]
    assert sum(g["at_stage"] for g in wf.values()) == 37


def test_the_sample_tells_a_possible_history(process, sample, sample_doc):
    """Facts come in the order the process allows, and nothing after the paper's date."""
    from untoc_workflow.core import mechanism_states
    from untoc_workflow.sample.generate import REDRAW_MEETINGS

    assert max(e["on"] for e in sample_doc["events"]) <= "2024-04-16"
    states = mechanism_states(process, sample, PAPER_DATE)
    for s in states.values():
        if s.consultation_held_on is None:
            continue
        # the consultation follows the naming of the three focal points (para 26)
        named = s.step("focal_points").completed_on
        assert named is not None and named < s.consultation_held_on, s.review
        saq = s.step("saq").completed_on
        if saq is not None:
            assert saq > s.consultation_held_on
            done = s.step("written_feedback").completed_on
            assert done is None or done > saq
    redraws = [e for e in sample_doc["events"] if e["type"] == "reviewer_replaced"]
    assert redraws and {e["on"] for e in redraws} <= {d.isoformat() for d in REDRAW_MEETINGS}
    parties = {p["code"]: p for p in sample_doc["parties"]}
    for r in sample_doc["reviews"]:
        for a in r["reviewers"]:
            assert set(a["instruments"]) <= set(parties[a["party"]]["instruments"])
        covered = {i for a in r["reviewers"] for i in a["instruments"]}
        assert covered == set(r["instruments"]), r["id"]  # every instrument has a reviewer
