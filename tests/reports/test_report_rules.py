"""The report's definitions, one rule at a time, on small mechanisms built by hand."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from untoc_workflow.core import Event, Party, Review, ReviewerAssignment, Snapshot
from untoc_workflow.reports import status_report

START = date(2020, 12, 1)
ALL = ("UNTOC",)


def party(code: str) -> Party:
    return Party(code, code, "WEOG", {"UNTOC": date(2003, 1, 1)})


def review(rid: str, reviewed: str, reviewers: tuple[str, str], group: int = 1) -> Review:
    return Review(
        rid,
        1,
        group,
        reviewed,
        ALL,
        tuple(ReviewerAssignment(p, ALL) for p in reviewers),
        START,
    )


class Log:
    """Events in the order written, each a fact of the mechanism-file contract."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(
        self, on: str, type_: str, review: str | None = None, party: str | None = None, **data: Any
    ) -> Log:
        self.events.append(
            Event(date.fromisoformat(on), type_, len(self.events) + 1, review, party, data)
        )
        return self

    def focal_point(
        self, on: str, code: str, gender: str = "male", replaces: str | None = None, n: int = 1
    ) -> Log:
        person = {
            "name": f"FP {code}",
            "email": f"fp{n}@{code}.example",
            "gender": gender,
            "ministry": "Justice",
        }
        return self.add(on, "focal_point_nominated", party=code, person=person, replaces=replaces)

    def consultation(self, on: str, rid: str, languages: list[str], **agreed: str) -> Log:
        return self.add(
            on,
            "preliminary_consultation_held",
            review=rid,
            languages=languages,
            agreed={k: date.fromisoformat(v) for k, v in agreed.items()},
        )


def mechanism(reviews: list[Review], log: Log) -> Snapshot:
    codes = {p for r in reviews for p in (r.reviewed, *(a.party for a in r.reviewers))}
    events = tuple(sorted(log.events, key=lambda e: (e.on, e.seq)))
    return Snapshot({c: party(c) for c in codes}, {r.id: r for r in reviews}, events)


def report_on(process: Any, snap: Snapshot, on: str) -> dict[str, Any]:
    return status_report(process, snap, date.fromisoformat(on))


def three_named(log: Log, on: str = "2020-12-05") -> Log:
    for code in ("AAA", "BBB", "CCC"):
        log.focal_point(on, code)
    return log


@pytest.mark.parametrize(
    ("submitted", "bucket"),
    [
        ("2021-06-01", "on_time"),  # on the deadline is on time
        ("2021-05-20", "on_time"),
        ("2021-06-11", "late_1_10_days"),  # ten days late
        ("2021-06-12", "late_11_days_3_months"),  # eleven days
        ("2021-09-01", "late_11_days_3_months"),  # exactly three calendar months: at most 3
        ("2021-09-02", "late_3_6_months"),  # more than three months
        ("2021-12-01", "late_3_6_months"),  # exactly six: at most 6
        ("2021-12-02", "late_over_6_months"),
        ("2022-06-01", "late_over_6_months"),  # exactly twelve: not more than a year
        ("2022-06-02", "late_over_1_year"),
    ],
)
def test_saq_lateness_is_measured_against_the_agreed_date(process, submitted, bucket):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = three_named(Log()).consultation("2021-01-10", "R1", ["en"], saq="2021-06-01")
    log.add(submitted, "saq_submitted", review="R1")
    late = report_on(process, mechanism([r], log), "2022-12-31")["questionnaires"]["lateness"]
    expected = {bucket}
    if bucket == "late_over_1_year":
        expected.add("late_over_6_months")  # "includes the next"
    assert {k for k, v in late.items() if v} == expected
    assert sum(late[k] for k in expected) == len(expected)


def test_an_extension_moves_the_deadline_lateness_is_measured_against(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = three_named(Log()).consultation("2021-01-10", "R1", ["en"], saq="2021-06-01")
    log.add(
        "2021-05-15",
        "deadline_extended",
        review="R1",
        step="saq",
        due=date(2021, 9, 1),
        basis="agreed with the reviewers",
    )
    log.add("2021-08-20", "saq_submitted", review="R1")
    late = report_on(process, mechanism([r], log), "2022-01-01")["questionnaires"]["lateness"]
    assert late["on_time"] == 1


def test_without_a_consultation_the_saq_clock_is_six_months_from_the_start(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = three_named(Log()).add("2021-06-05", "saq_submitted", review="R1")
    late = report_on(process, mechanism([r], log), "2022-01-01")["questionnaires"]["lateness"]
    assert late["late_1_10_days"] == 1  # due 2021-06-01


def test_feedback_is_late_once_its_deadline_is_before_the_date(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = three_named(Log()).consultation(
        "2021-01-10", "R1", ["en"], saq="2021-06-01", written_feedback="2021-12-01"
    )
    log.add("2021-06-01", "saq_submitted", review="R1")
    snap = mechanism([r], log)
    on_deadline = report_on(process, snap, "2021-12-01")["written_feedback"]
    assert (on_deadline["at_stage"], on_deadline["late"]) == (1, 0)
    day_after = report_on(process, snap, "2021-12-02")["written_feedback"]
    assert (day_after["late"], day_after["late_over_1_year"]) == (1, 0)
    a_year = report_on(process, snap, "2022-12-01")["written_feedback"]
    assert a_year["late_over_1_year"] == 0  # exactly twelve months is not more than twelve
    more = report_on(process, snap, "2022-12-02")["written_feedback"]
    assert more["late_over_1_year"] == 1
    assert more["delays"]["late_over_1_year"] == 1


def test_feedback_is_complete_only_when_every_current_reviewer_sent_theirs(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = three_named(Log()).consultation("2021-01-10", "R1", ["en"])
    log.add("2021-06-01", "saq_submitted", review="R1")
    log.add("2021-09-01", "written_feedback_submitted", review="R1", party="BBB")
    snap = mechanism([r], log)
    half = report_on(process, snap, "2021-10-01")
    assert half["written_feedback"]["at_stage"] == 1 and half["written_feedback"]["completed"] == 0
    log.add("2021-11-01", "written_feedback_submitted", review="R1", party="CCC")
    full = report_on(process, mechanism([r], log), "2021-11-01")
    assert full["written_feedback"]["completed"] == 1
    assert full["reviews"]["by_stage"]["observations"] == 1
    assert full["observations"]["at_stage"] == 1


def test_a_party_without_focal_point_blocks_every_review_it_is_in_until_consultation(process):
    r1 = review("R1", "AAA", ("BBB", "CCC"))
    r2 = review("R2", "BBB", ("AAA", "DDD"), group=2)
    r3 = review("R3", "DDD", ("CCC", "EEE"), group=2)
    log = Log()
    for code in ("AAA", "CCC", "DDD", "EEE"):
        log.focal_point("2020-12-05", code)
    snap = mechanism([r1, r2, r3], log)
    fp = report_on(process, snap, "2021-01-01")["focal_points"]
    assert fp["parties_without"] == 1  # BBB
    assert fp["reviews_blocked"] == 2
    assert fp["blocked_by_group"] == {"1": 1, "2": 1}
    # a consultation held without BBB's focal point unblocks that review only
    log.consultation("2021-02-01", "R1", ["en"])
    fp = report_on(process, mechanism([r1, r2, r3], log), "2021-03-01")["focal_points"]
    assert fp["reviews_blocked"] == 1 and fp["blocked_by_group"] == {"1": 0, "2": 1}


def test_a_party_in_no_review_is_not_counted_without_focal_point(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = three_named(Log())
    snap = mechanism([r], log)
    snap = Snapshot({**snap.parties, "ZZZ": party("ZZZ")}, snap.reviews, snap.events)
    assert report_on(process, snap, "2021-01-01")["focal_points"]["parties_without"] == 0


def test_a_redraw_changes_who_must_have_a_focal_point(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = Log().focal_point("2020-12-05", "AAA").focal_point("2020-12-05", "BBB")
    log.add(
        "2021-03-15", "reviewer_replaced", review="R1", party="CCC", by="DDD", requested_by="CCC"
    )
    log.focal_point("2021-03-20", "DDD")
    snap = Snapshot(
        {c: party(c) for c in ("AAA", "BBB", "CCC", "DDD")},
        {"R1": r},
        tuple(sorted(log.events, key=lambda e: (e.on, e.seq))),
    )
    assert report_on(process, snap, "2021-03-01")["focal_points"]["reviews_blocked"] == 1
    after = report_on(process, snap, "2021-04-01")["focal_points"]
    assert after["reviews_blocked"] == 0
    assert after["parties_without"] == 0  # CCC left the review


def test_focal_points_count_persons_women_and_changes(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = three_named(Log())
    log.focal_point("2021-01-01", "AAA", gender="female", n=2)  # a second person
    log.focal_point("2021-02-01", "BBB", gender="female", replaces="fp1@BBB.example", n=2)
    fp = report_on(process, mechanism([r], log), "2021-03-01")["focal_points"]
    assert (fp["persons"], fp["parties_with"], fp["women"]) == (4, 3, 2)
    assert fp["parties_changed"] == 1
    assert fp["parties_with_several"] == 1
    earlier = report_on(process, mechanism([r], log), "2021-01-15")["focal_points"]
    assert (earlier["persons"], earlier["parties_changed"]) == (4, 0)


def test_experts_add_up_across_lists(process):
    r = review("R1", "AAA", ("BBB", "CCC"))
    log = Log().add("2021-01-01", "experts_nominated", party="AAA", count=5, women=2)
    log.add("2021-06-01", "experts_nominated", party="AAA", count=3, women=None)
    log.add("2021-07-01", "experts_nominated", party="BBB", count=4, women=4)
    ex = report_on(process, mechanism([r], log), "2021-06-30")["experts"]
    assert (ex["persons"], ex["women"]) == (8, 2)


def test_languages_are_keyed_by_sorted_codes_and_empty_means_no_agreement(process):
    rs = [review(f"R{i}", "AAA", ("BBB", "CCC")) for i in range(4)]
    log = three_named(Log())
    log.consultation("2021-01-10", "R0", ["fr", "en"])
    log.consultation("2021-01-10", "R1", ["en", "fr"])
    log.consultation("2021-01-10", "R2", ["ru", "en", "ar"])
    log.consultation("2021-01-10", "R3", [])
    langs = report_on(process, mechanism(rs, log), "2021-02-01")["languages"]
    assert langs == {
        "single": {},
        "pairs": {"en+fr": 2},
        "triples": {"ar+en+ru": 1},
        "no_agreement": 1,
    }


def test_the_next_cluster_may_start_at_70_percent_of_group_1(process):
    rs = [review(f"R{i}", "AAA", ("BBB", "CCC")) for i in range(10)]
    log = three_named(Log())
    for i in range(7):
        log.consultation("2021-01-10", f"R{i}", ["en"])
        log.add("2021-03-01", "saq_submitted", review=f"R{i}")
        log.add("2021-05-01", "written_feedback_submitted", review=f"R{i}")
        log.add(f"2021-0{6 + (i == 6)}-01", "observations_agreed", review=f"R{i}")
    snap = mechanism(rs, log)
    six = report_on(process, snap, "2021-06-15")["cluster_progress"]
    assert (six["completed"], six["next_cluster_may_start"]) == (6, False)
    seven = report_on(process, snap, "2021-07-01")["cluster_progress"]
    assert seven["completed"] == 7 and seven["share"] == pytest.approx(0.7)
    assert seven["next_cluster_may_start"] is True


def test_the_report_has_every_key_of_the_contract(process, sample):
    r = status_report(process, sample, date(2024, 4, 16))
    assert set(r) >= {
        "as_of",
        "reviews",
        "focal_points",
        "experts",
        "preliminary_consultations",
        "languages",
        "questionnaires",
        "written_feedback",
        "observations",
        "cluster_progress",
    }
    assert set(r["reviews"]["by_stage"]) == {
        "not_started",
        "questionnaire",
        "written_feedback",
        "observations",
        "completed",
    }
    assert set(r["focal_points"]) >= {
        "parties_without",
        "reviews_blocked",
        "blocked_by_group",
        "persons",
        "parties_with",
        "women",
        "parties_changed",
    }
    assert set(r["questionnaires"]["lateness"]) == {
        "on_time",
        "late_1_10_days",
        "late_11_days_3_months",
        "late_3_6_months",
        "late_over_6_months",
        "late_over_1_year",
    }
    assert set(r["written_feedback"]) >= {
        "at_stage",
        "completed",
        "late",
        "late_over_1_year",
        "by_group",
    }
    assert set(r["cluster_progress"]) >= {
        "cluster",
        "group",
        "completed",
        "total",
        "share",
        "threshold",
        "next_cluster_may_start",
    }
    assert isinstance(r["cluster_progress"]["share"], float)
