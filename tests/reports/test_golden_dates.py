"""The report on other dates, checked against figures recounted here from the sample's raw
events by a deliberately plain second reading of the contract (no core, no store).

If the two readings disagree, one of them misreads mechanism-file.md or status-report.md.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import pytest

from untoc_workflow.reports import status_report

DATES = [date(2021, 6, 1), date(2022, 6, 1), date(2023, 6, 1), date(2024, 4, 16)]


def _add_months(d: date, n: int) -> date:
    import calendar

    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def recount(doc: dict[str, Any], on: date) -> dict[str, Any]:
    """The contract's figures, counted by hand from the file's events up to `on`."""
    iso = on.isoformat()
    events = [e for e in doc["events"] if e["on"] <= iso]  # ISO dates sort as text
    reviews = {r["id"]: r for r in doc["reviews"]}

    # focal points in office: nominate adds, `replaces` removes the one replaced
    office: dict[str, dict[str, dict[str, Any]]] = {}
    changed: set[str] = set()
    for e in events:
        if e["type"] == "focal_point_nominated":
            people = office.setdefault(e["party"], {})
            if e.get("replaces"):
                people.pop(e["replaces"])
                changed.add(e["party"])
            people[e["person"]["email"]] = e["person"]
        elif e["type"] == "focal_point_withdrawn":
            office[e["party"]].pop(e["email"])
            changed.add(e["party"])
    has_fp = {p for p, people in office.items() if people}
    persons = [person for people in office.values() for person in people.values()]

    current = {rid: [a["party"] for a in r["reviewers"]] for rid, r in reviews.items()}
    consultation: dict[str, dict[str, Any]] = {}
    saq: dict[str, str] = {}
    feedback_by: dict[str, set[str]] = {}
    feedback_done: dict[str, str] = {}
    extension: dict[tuple[str, str], str] = {}
    agreed_obs: set[str] = set()
    for e in events:
        t, rid = e["type"], e.get("review")
        if t == "reviewer_replaced":
            current[rid][current[rid].index(e["party"])] = e["by"]
        elif t == "preliminary_consultation_held":
            consultation.setdefault(rid, e)
        elif t == "saq_submitted":
            saq.setdefault(rid, e["on"])
        elif t == "written_feedback_submitted":
            feedback_by.setdefault(rid, set()).add(e["party"])
            if rid not in feedback_done and set(current[rid]) <= feedback_by[rid]:
                feedback_done[rid] = e["on"]
        elif t == "deadline_extended":
            extension[(rid, e["step"])] = e["due"]
        elif t == "observations_agreed":
            agreed_obs.add(rid)

    def stage(rid: str) -> str:
        if rid in agreed_obs:
            return "completed"
        if rid in feedback_done:
            return "observations"
        if rid in saq:
            return "written_feedback"
        if rid in consultation:
            return "questionnaire"
        return "not_started"

    def deadline(rid: str, step: str, started: str) -> date:
        if (rid, step) in extension:
            return date.fromisoformat(extension[(rid, step)])
        agreed = consultation.get(rid, {}).get("agreed", {}).get(step)
        if agreed:
            return date.fromisoformat(agreed)
        return _add_months(date.fromisoformat(started), 6)

    stages = Counter(stage(rid) for rid in reviews)
    blocked = Counter(
        reviews[rid]["group"]
        for rid in reviews
        if rid not in consultation
        and any(p not in has_fp for p in [reviews[rid]["reviewed"], *current[rid]])
    )
    involved = {p for rid in reviews for p in [reviews[rid]["reviewed"], *current[rid]]}

    lateness = Counter()
    for rid, submitted in saq.items():
        due = deadline(rid, "saq", reviews[rid]["starts_on"])
        got = date.fromisoformat(submitted)
        if got <= due:
            lateness["on_time"] += 1
        elif (got - due).days <= 10:
            lateness["late_1_10_days"] += 1
        elif got <= _add_months(due, 3):
            lateness["late_11_days_3_months"] += 1
        elif got <= _add_months(due, 6):
            lateness["late_3_6_months"] += 1
        else:
            lateness["late_over_6_months"] += 1
            if got > _add_months(due, 12):
                lateness["late_over_1_year"] += 1

    late = over_year = 0
    for rid in reviews:
        if stage(rid) == "written_feedback":
            due = deadline(rid, "written_feedback", saq[rid])
            if due < on:
                late += 1
                over_year += _add_months(due, 12) < on

    languages = Counter()
    for e in consultation.values():
        languages["+".join(sorted(e["languages"])) or "none"] += 1

    experts = [e for e in events if e["type"] == "experts_nominated"]
    return {
        "by_stage": dict(stages),
        "blocked": sum(blocked.values()),
        "blocked_by_group": {str(g): n for g, n in blocked.items()},
        "parties_without": len(involved - has_fp),
        "persons": len(persons),
        "parties_with": len(has_fp),
        "women": sum(1 for p in persons if p.get("gender") == "female"),
        "changed": len(changed),
        "experts": sum(e["count"] for e in experts),
        "experts_women": sum(e.get("women") or 0 for e in experts),
        "consultations": Counter(reviews[rid]["group"] for rid in consultation),
        "languages": languages,
        "saq_submitted": len(saq),
        "lateness": lateness,
        "feedback_late": late,
        "feedback_over_year": over_year,
        "feedback_completed": len(feedback_done),
    }


@pytest.mark.parametrize("on", DATES, ids=str)
def test_report_agrees_with_a_hand_count_of_the_events(process, sample, sample_doc, on):
    report = status_report(process, sample, on)
    hand = recount(sample_doc, on)
    stages = {k: v for k, v in report["reviews"]["by_stage"].items() if v}
    assert stages == hand["by_stage"]
    fp = report["focal_points"]
    assert fp["reviews_blocked"] == hand["blocked"]
    assert {g: n for g, n in fp["blocked_by_group"].items() if n} == hand["blocked_by_group"]
    assert fp["parties_without"] == hand["parties_without"]
    assert (fp["persons"], fp["parties_with"], fp["women"]) == (
        hand["persons"],
        hand["parties_with"],
        hand["women"],
    )
    assert fp["parties_changed"] == hand["changed"]
    assert report["experts"]["persons"] == hand["experts"]
    assert report["experts"]["women"] == hand["experts_women"]
    held = report["preliminary_consultations"]
    assert held["held"] == sum(hand["consultations"].values())
    assert {g: n for g, n in held["by_group"].items() if n} == {
        str(g): n for g, n in hand["consultations"].items()
    }
    langs = report["languages"]
    flat = {**langs["single"], **langs["pairs"], **langs["triples"]}
    if langs["no_agreement"]:
        flat["none"] = langs["no_agreement"]
    assert flat == dict(hand["languages"])
    q = report["questionnaires"]
    assert q["submitted"] == hand["saq_submitted"]
    assert {k: v for k, v in q["lateness"].items() if v} == dict(hand["lateness"])
    wf = report["written_feedback"]
    assert wf["late"] == hand["feedback_late"]
    assert wf["late_over_1_year"] == hand["feedback_over_year"]
    assert wf["completed"] == hand["feedback_completed"]


# Pinned figures of the sample on earlier dates (read once from the hand count above), so a
# regenerated sample that drifts from the history the 2024 figures imply is noticed.
PINNED = {
    date(2022, 6, 1): {
        "by_stage": [153, 20, 15, 1, 0],
        "parties_without": 32,
        "reviews_blocked": 76,
        "focal_points": 163,
        "parties_changed": 23,
        "experts": 898,
        "consultations_by_group": {"1": 29, "2": 7, "3": 0},
        "saq_submitted": 16,
        "feedback_late": 10,
    },
    date(2023, 6, 1): {
        "by_stage": [127, 28, 32, 2, 0],
        "parties_without": 28,
        "reviews_blocked": 69,
        "focal_points": 170,
        "parties_changed": 43,
        "experts": 968,
        "consultations_by_group": {"1": 30, "2": 21, "3": 11},
        "saq_submitted": 34,
        "feedback_late": 21,
    },
}


@pytest.mark.parametrize("on", sorted(PINNED), ids=str)
def test_pinned_figures_on_earlier_dates(process, sample, on):
    r = status_report(process, sample, on)
    want = PINNED[on]
    assert list(r["reviews"]["by_stage"].values()) == want["by_stage"]
    assert r["focal_points"]["parties_without"] == want["parties_without"]
    assert r["focal_points"]["reviews_blocked"] == want["reviews_blocked"]
    assert r["focal_points"]["persons"] == want["focal_points"]
    assert r["focal_points"]["parties_changed"] == want["parties_changed"]
    assert r["experts"]["persons"] == want["experts"]
    assert r["preliminary_consultations"]["by_group"] == want["consultations_by_group"]
    assert r["questionnaires"]["submitted"] == want["saq_submitted"]
    assert r["written_feedback"]["late"] == want["feedback_late"]


def test_the_mechanism_was_slower_earlier(process, sample):
    """Earlier dates show fewer reviews under way and more Parties without a focal point."""
    before = status_report(process, sample, date(2022, 6, 1))
    after = status_report(process, sample, date(2024, 4, 16))
    assert before["reviews"]["under_way"] < after["reviews"]["under_way"]
    assert before["focal_points"]["persons"] < after["focal_points"]["persons"]
    assert before["experts"]["persons"] < after["experts"]["persons"]
    # group 3 had not started on 2022-06-01: its reviews are all not started, none blocked
    assert before["reviews"]["by_group"]["3"]["not_started"] == 64
