"""Facts checked against the process (core.admission): what cannot be true is refused with
the reason; what the contract allows in any order stays valid."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from untoc_workflow.core import (
    Event,
    Review,
    ReviewerAssignment,
    Snapshot,
    focal_points_on,
    mechanism_states,
)
from untoc_workflow.core.admission import (
    CommandDate,
    admit,
    party_refusals,
    review_refusals,
)
from untoc_workflow.definitions import load_process
from untoc_workflow.mechanism_file.parse import parse_document
from untoc_workflow.mechanism_file.source import JsonStream
from untoc_workflow.yamlsource import Located, load_file

DEFINITION = load_process()
TODAY = CommandDate(date(2024, 4, 16))
START = date(2020, 12, 1)
ROOT = Path(__file__).resolve().parents[2]
REVIEW = Review(
    "C1-G1-NGA",
    1,
    1,
    "NGA",
    ("UNTOC",),
    (ReviewerAssignment("GHA", ("UNTOC",)), ReviewerAssignment("DEU", ("UNTOC",))),
    START,
)


def d(text: str) -> date:
    return date.fromisoformat(text)


def nominated(on: str, party: str, email: str, replaces: str | None = None) -> Event:
    data: dict = {"person": {"name": email.split("@")[0], "email": email}}
    if replaces:
        data["replaces"] = replaces
    return Event(d(on), "focal_point_nominated", party=party, data=data)


def withdrawn(on: str, party: str, email: str) -> Event:
    return Event(d(on), "focal_point_withdrawn", party=party, data={"email": email})


def fact(on: str, kind: str, party: str | None = None, **data) -> Event:
    return Event(d(on), kind, review=REVIEW.id, party=party, data=data)


FOCAL_POINTS = [
    nominated("2020-12-05", "NGA", "a.bello@example.org"),
    nominated("2020-12-08", "GHA", "k.mensah@example.org"),
    nominated("2020-12-10", "DEU", "j.weber@example.org"),
]
CONSULTATION = fact("2021-01-15", "preliminary_consultation_held", languages=["en"])
SAQ = fact("2021-05-20", "saq_submitted")
FEEDBACK = [
    fact("2021-09-01", "written_feedback_submitted", "GHA"),
    fact("2021-10-01", "written_feedback_submitted", "DEU"),
]
OBSERVATIONS = fact("2022-03-01", "observations_agreed")
COMPLETED = [*FOCAL_POINTS, CONSULTATION, SAQ, *FEEDBACK, OBSERVATIONS]


def sequenced(events: list[Event]) -> list[Event]:
    return [
        Event(e.on, e.type, i + 1, e.review, e.party, e.data, e.id, e.note)
        for i, e in enumerate(events)
    ]


def why(known: list[Event], new: Event, today: CommandDate = TODAY) -> str | None:
    refusal = admit(DEFINITION, REVIEW, sequenced(known), new, today)
    return None if refusal is None else refusal.reason


# -- what cannot be true is refused ---------------------------------------------------


def test_observations_agreed_on_a_review_with_no_saq_and_no_feedback_is_refused():
    reason = why([*FOCAL_POINTS, CONSULTATION], fact("2021-06-01", "observations_agreed"))
    assert reason is not None
    assert "not at step observations" in reason and "written_feedback" in reason


def test_a_saq_before_the_review_starts_is_refused():
    reason = why(FOCAL_POINTS, fact("2020-11-20", "saq_submitted"))
    assert reason == (
        "saq_submitted dated 2020-11-20 is before step saq started "
        "(review C1-G1-NGA starts on 2020-12-01)"
    )


def test_a_second_saq_is_refused_whether_dated_after_or_before_the_first():
    known = [*FOCAL_POINTS, CONSULTATION, SAQ]
    assert why(known, fact("2021-06-20", "saq_submitted")) == (
        "saq_submitted for review C1-G1-NGA was already recorded on 2021-05-20"
    )
    assert why(known, fact("2021-02-01", "saq_submitted")) == (
        "saq_submitted for review C1-G1-NGA was already recorded on 2021-05-20"
    )


def test_a_saq_on_a_completed_review_is_refused():
    assert "already recorded" in why(COMPLETED, fact("2022-06-01", "saq_submitted"))
    # a review whose SAQ was waived by a decision and that went on to complete
    waived = [
        *FOCAL_POINTS,
        fact("2021-01-10", "step_waived", step="saq", basis="decision 12/1"),
        *FEEDBACK,
        OBSERVATIONS,
    ]
    reason = why(waived, fact("2022-06-01", "saq_submitted"))
    assert "comes after step written_feedback" in reason


def test_a_fact_dated_after_the_command_is_refused():
    assert why(FOCAL_POINTS, fact("2099-01-01", "saq_submitted")) == (
        "saq_submitted dated 2099-01-01 is in the future (today is 2024-04-16)"
    )
    as_of = CommandDate(date(2021, 3, 1), "--as-of")
    assert why(FOCAL_POINTS, fact("2021-03-02", "saq_submitted"), as_of) == (
        "saq_submitted dated 2021-03-02 is after the date of this import (--as-of 2021-03-01)"
    )


def test_written_feedback_before_the_saq_is_refused():
    known = [*FOCAL_POINTS, CONSULTATION, SAQ]
    reason = why(known, fact("2021-04-01", "written_feedback_submitted", "GHA"))
    assert "not at step written_feedback on 2021-04-01" in reason
    assert "it was completed only on 2021-05-20" in reason


def test_a_saq_dated_after_recorded_written_feedback_is_refused():
    known = [*FOCAL_POINTS, CONSULTATION, *FEEDBACK]  # feedback recorded (wrongly) earlier
    reason = why(known, fact("2021-11-01", "saq_submitted"))
    assert "comes after step written_feedback" in reason


def test_a_withdrawal_dated_before_the_nomination_is_refused():
    reason = why(FOCAL_POINTS, withdrawn("2020-12-01", "NGA", "a.bello@example.org"))
    assert reason == (
        "focal_point_withdrawn dated 2020-12-01: a.bello@example.org was nominated as a "
        "focal point of NGA only on 2020-12-05"
    )


def test_a_withdrawal_of_someone_who_is_not_a_focal_point_is_refused():
    replaced = [
        *FOCAL_POINTS,
        nominated("2021-02-01", "NGA", "b.okafor@example.org", replaces="a.bello@example.org"),
    ]
    reason = why(replaced, withdrawn("2021-03-01", "NGA", "a.bello@example.org"))
    assert reason == (
        "focal_point_withdrawn dated 2021-03-01: a.bello@example.org stopped being a focal "
        "point of NGA on 2021-02-01"
    )
    assert "is not a focal point of NGA" in why(
        FOCAL_POINTS, withdrawn("2021-03-01", "NGA", "k.mensah@example.org")
    )


def test_replacing_someone_who_is_not_yet_a_focal_point_is_refused():
    reason = why(
        FOCAL_POINTS,
        nominated("2020-12-01", "NGA", "b.okafor@example.org", replaces="a.bello@example.org"),
    )
    assert "replaces a.bello@example.org, but a.bello@example.org was nominated" in reason


def test_nominating_the_focal_point_in_office_again_is_refused():
    reason = why(FOCAL_POINTS, nominated("2021-02-01", "NGA", "a.bello@example.org"))
    assert "already a focal point of NGA (nominated on 2020-12-05)" in reason


def test_written_feedback_twice_from_one_reviewer_or_from_a_party_not_reviewing_is_refused():
    known = [*FOCAL_POINTS, CONSULTATION, SAQ, FEEDBACK[0]]
    assert why(known, fact("2021-09-05", "written_feedback_submitted", "GHA")) == (
        "GHA already sent its written feedback for C1-G1-NGA on 2021-09-01"
    )
    assert "FRA is not a reviewer of C1-G1-NGA" in why(
        known, fact("2021-09-05", "written_feedback_submitted", "FRA")
    )
    # once the step is complete, no more feedback completes it
    done = [*known, FEEDBACK[1]]
    assert "already complete on 2021-10-01" in why(
        done, fact("2021-10-05", "written_feedback_submitted")
    )


def test_feedback_from_a_reviewer_who_has_left_by_a_redraw_is_refused():
    redraw = fact("2021-06-01", "reviewer_replaced", "DEU", by="FRA", requested_by="DEU")
    known = [*FOCAL_POINTS, CONSULTATION, SAQ, redraw]
    assert "DEU is not a reviewer of C1-G1-NGA on 2021-09-01" in why(
        known, fact("2021-09-01", "written_feedback_submitted", "DEU")
    )
    assert "DEU is not a reviewer" in why(
        known, fact("2021-07-01", "reviewer_replaced", "DEU", by="ITA", requested_by="DEU")
    )


def test_a_consultation_before_every_party_has_a_focal_point_is_refused():
    reason = why(FOCAL_POINTS[:2], CONSULTATION)
    assert "not at step preliminary_consultation" in reason
    assert "focal_points" in reason


def test_waiving_a_step_twice_or_a_step_the_process_lacks_is_refused():
    waiver = fact("2021-01-10", "step_waived", step="publication", basis="decision 12/1")
    assert "already waived on 2021-01-10" in why(
        [*FOCAL_POINTS, waiver],
        fact("2021-02-10", "step_waived", step="publication", basis="decision 12/2"),
    )
    assert "no step 'summary'" in why(
        FOCAL_POINTS, fact("2021-02-10", "step_waived", step="summary", basis="x")
    )


def test_a_focal_point_for_a_party_outside_the_review_is_refused_when_the_review_is_given():
    reason = why(FOCAL_POINTS, nominated("2021-01-01", "FRA", "m.martin@example.org"))
    assert reason == "FRA is not a party to review C1-G1-NGA (reviewed NGA, reviewers GHA, DEU)"


# -- what the contract allows in any order stays valid --------------------------------


def test_a_saq_received_before_the_preliminary_consultation_is_admitted():
    assert why(FOCAL_POINTS, fact("2021-01-10", "saq_submitted")) is None
    assert why([*FOCAL_POINTS, fact("2021-01-10", "saq_submitted")], CONSULTATION) is None


def test_one_reviewers_feedback_before_anothers_is_admitted_in_either_order():
    known = [*FOCAL_POINTS, CONSULTATION, SAQ]
    assert why(known, FEEDBACK[1]) is None
    assert why([*known, FEEDBACK[1]], FEEDBACK[0]) is None
    assert why([*known, FEEDBACK[0]], FEEDBACK[1]) is None


def test_an_extension_agreed_before_the_step_is_late_or_even_started_is_admitted():
    early = fact(
        "2021-01-15",
        "deadline_extended",
        step="written_feedback",
        due="2022-01-31",
        basis="agreed at the consultation",
    )
    assert why([*FOCAL_POINTS, CONSULTATION], early) is None
    late = fact("2021-05-10", "deadline_extended", step="saq", due="2021-08-31", basis="agreed")
    assert why([*FOCAL_POINTS, CONSULTATION], late) is None


def test_focal_points_named_in_any_order_are_admitted():
    assert FOCAL_POINTS
    for order in (FOCAL_POINTS, FOCAL_POINTS[::-1]):
        known: list[Event] = []
        for e in order:
            assert why(known, e) is None
            known.append(e)


def test_a_focal_point_named_again_after_a_withdrawal_and_a_change_of_focal_point_are_admitted():
    known = [*FOCAL_POINTS, withdrawn("2021-02-01", "NGA", "a.bello@example.org")]
    assert why(known, nominated("2021-03-01", "NGA", "a.bello@example.org")) is None
    change = nominated("2021-03-01", "GHA", "e.owusu@example.org", replaces="k.mensah@example.org")
    assert why(FOCAL_POINTS, change) is None


def test_joint_written_feedback_and_facts_dated_today_are_admitted():
    known = [*FOCAL_POINTS, CONSULTATION, SAQ]
    assert why(known, fact("2024-04-16", "written_feedback_submitted")) is None


def test_a_redraw_then_the_new_reviewers_feedback_is_admitted():
    redraw = fact("2021-06-01", "reviewer_replaced", "DEU", by="FRA", requested_by="DEU")
    known = [
        *FOCAL_POINTS,
        nominated("2021-06-02", "FRA", "m.martin@example.org"),
        CONSULTATION,
        SAQ,
        redraw,
        FEEDBACK[0],
    ]
    assert why(known, fact("2021-09-05", "written_feedback_submitted", "FRA")) is None


def test_facts_of_one_day_are_admitted_whatever_their_order_in_a_file():
    # an import lists the feedback before the SAQ of the same day
    events = sequenced(
        [
            *FOCAL_POINTS,
            CONSULTATION,
            fact("2021-05-20", "written_feedback_submitted"),
            fact("2021-05-20", "saq_submitted"),
        ]
    )
    roll = focal_points_on([e for e in events if e.review is None], date.max)
    assert review_refusals(DEFINITION, REVIEW, events, lambda e: True, roll, TODAY) == []


def test_an_import_reports_every_impossible_fact_not_only_the_first():
    events = sequenced(
        [
            *FOCAL_POINTS,
            CONSULTATION,
            OBSERVATIONS,
            SAQ,
            fact("2021-06-01", "saq_submitted"),
            fact("2099-01-01", "saq_submitted"),
        ]
    )
    roll = focal_points_on([e for e in events if e.review is None], date.max)
    refused = review_refusals(DEFINITION, REVIEW, events, lambda e: True, roll, TODAY)
    assert [(r.fact.on, r.fact.type, r.field) for r in refused] == [
        (d("2021-06-01"), "saq_submitted", ""),  # a second SAQ
        (d("2022-03-01"), "observations_agreed", "on"),  # no written feedback before it
        (d("2099-01-01"), "saq_submitted", "on"),  # after the date of the command
    ]


# -- the bundled sample and the golden histories are possible -------------------------


def _refusals_of(parties, reviews, events) -> list:
    today = CommandDate(date(2026, 11, 26))
    by_review: dict[str, list[Event]] = defaultdict(list)
    by_party: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        (by_review[e.review] if e.review else by_party[e.party]).append(e)
    roll = focal_points_on([e for es in by_party.values() for e in es], date.max)
    out = []
    for es in by_party.values():
        out += party_refusals(es, lambda e: True, today)
    for r in reviews:
        out += review_refusals(DEFINITION, r, by_review[r.id], lambda e: True, roll, today)
    return out


HISTORIES = [
    *sorted((ROOT / "tests/core/golden").glob("*.yaml")),
    ROOT / "tests/store/data/golden.yaml",
    ROOT / "tests/cli/mechanism.yaml",
    ROOT / "tests/flows/mechanism.yaml",
]


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_golden_history_is_possible_fact_by_fact(path):
    whole = load_file(path)
    parsed = parse_document(Located(whole.data.get("history", whole.data), str(path), {}))
    assert parsed.events
    assert _refusals_of(parsed.parties, parsed.reviews, parsed.events) == []


def test_the_bundled_sample_is_possible_fact_by_fact():
    parsed = parse_document(JsonStream.open(ROOT / "untoc_workflow/sample/mechanism.json"))
    assert len(parsed.events) > 500
    assert _refusals_of(parsed.parties, parsed.reviews, parsed.events) == []


# -- histories that follow the process are admissible fact by fact (hypothesis) -------

PARTIES = ("NGA", "GHA", "DEU", "FRA")
gaps = st.integers(min_value=0, max_value=120).map(lambda n: timedelta(days=n))


@st.composite
def possible_histories(draw: st.DrawFn) -> list[Event]:
    """A review's life as the process lets it happen: each fact after what it waits for,
    optional steps left out, parallel facts (focal points, reviewers' feedback, extensions)
    in any order."""
    events: list[Event] = []
    named: dict[str, date] = {}
    for party in draw(st.permutations(PARTIES[:3])):
        on = START - timedelta(days=30) + draw(gaps)
        named[party] = on
        events.append(nominated(on.isoformat(), party, f"fp.{party.lower()}@example.org"))
    ready = max(max(named.values()), START)
    held = None
    if draw(st.booleans()):
        held = ready + draw(gaps)
        events.append(fact(held.isoformat(), "preliminary_consultation_held", languages=["en"]))
    if draw(st.booleans()):
        # a change of focal point at any time; a withdrawal only once the consultation
        # is held (before it, the review would wait for a focal point again)
        on = ready + timedelta(days=1) + draw(gaps)  # a day after the nomination at least
        if held is not None and draw(st.booleans()):
            on = max(on, held)
            events.append(withdrawn(on.isoformat(), "GHA", "fp.gha@example.org"))
        else:
            events.append(
                nominated(
                    on.isoformat(), "GHA", "fp2.gha@example.org", replaces="fp.gha@example.org"
                )
            )
    saq_on = START + draw(gaps)
    # extensions agreed while the SAQ is open (the steps after it not started yet), on
    # different days, each after the deadline in force: the SAQ's six months (to
    # 2021-06-01), or the one before it
    on, due = START, date(2021, 6, 1)
    for i in range(draw(st.integers(0, 2))):
        on += timedelta(days=i) + draw(gaps)
        if on >= saq_on:
            break
        step = draw(st.sampled_from(["saq", "written_feedback", "observations"]))
        due += timedelta(days=1) + draw(gaps)
        events.append(fact(on.isoformat(), "deadline_extended", step=step, due=due, basis="agreed"))
    if not draw(st.booleans()):
        return events
    events.append(fact(saq_on.isoformat(), "saq_submitted"))
    reviewers = ["GHA", "DEU"]
    if draw(st.booleans()):
        on = saq_on + draw(gaps)
        events.append(
            fact(on.isoformat(), "reviewer_replaced", "DEU", by="FRA", requested_by="DEU")
        )
        events.append(nominated(on.isoformat(), "FRA", "fp.fra@example.org"))
        reviewers = ["GHA", "FRA"]
        saq_on = on
    if not draw(st.booleans()):
        return events
    if draw(st.booleans()):
        done = saq_on + draw(gaps)
        events.append(fact(done.isoformat(), "written_feedback_submitted"))
    else:
        days = [saq_on + draw(gaps) for _ in reviewers]
        for party, on in zip(reviewers, days, strict=True):
            events.append(fact(on.isoformat(), "written_feedback_submitted", party))
        done = max(days)
    if draw(st.booleans()):
        agreed = done + draw(gaps)
        events.append(fact(agreed.isoformat(), "observations_agreed"))
        if draw(st.booleans()):
            events.append(fact((agreed + draw(gaps)).isoformat(), "summary_published"))
    return events


def _review_of(e: Event) -> Review | None:
    """A party's fact is the party's own, whichever reviews it takes part in."""
    return REVIEW if e.review else None


def _arrivals(events: list[Event]) -> list[Event]:
    """Recorded as they happen: by date (file order within a day)."""
    return sequenced(sorted(events, key=lambda e: e.on))


@settings(max_examples=200, deadline=None)
@given(possible_histories())
def test_a_history_that_follows_the_process_is_admissible_fact_by_fact(events):
    known: list[Event] = []
    for e in _arrivals(events):
        refusal = admit(DEFINITION, _review_of(e), known, e, CommandDate(date(2030, 1, 1)))
        assert refusal is None, refusal.reason
        known.append(e)
    assert len(known) == len(_arrivals(events))  # every fact was admitted


@settings(max_examples=200, deadline=None)
@given(possible_histories(), st.randoms(use_true_random=False))
def test_a_history_that_follows_the_process_imports_whole_in_any_file_order(events, rnd):
    shuffled = list(events)
    rnd.shuffle(shuffled)
    events = sequenced(shuffled)
    roll = focal_points_on([e for e in events if e.review is None], date.max)
    today = CommandDate(date(2030, 1, 1))
    mine = [e for e in events if e.review]
    assert review_refusals(DEFINITION, REVIEW, mine, lambda e: True, roll, today) == []
    for party in PARTIES:
        theirs = [e for e in events if e.review is None and e.party == party]
        assert party_refusals(theirs, lambda e: True, today) == []


# The property tests' random histories (tests/core/test_core_properties.py) mix possible
# and impossible facts. Admitted one by one, what is left must be a history the fold
# reads without contradiction, and admitting it again as a whole refuses nothing.

days = st.integers(min_value=-60, max_value=1500).map(lambda n: START + timedelta(days=n))


@st.composite
def random_histories(draw: st.DrawFn) -> list[Event]:
    events: list[Event] = []
    for party in PARTIES:
        for _ in range(draw(st.integers(0, 2))):
            events.append(nominated(draw(days).isoformat(), party, f"fp@{party.lower()}.org"))
        if draw(st.booleans()):
            events.append(withdrawn(draw(days).isoformat(), party, f"fp@{party.lower()}.org"))
    kinds = [
        "preliminary_consultation_held",
        "saq_submitted",
        "observations_agreed",
        "summary_published",
    ]
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=6)):
        extra = {"languages": ["en"]} if kind == "preliminary_consultation_held" else {}
        events.append(fact(draw(days).isoformat(), kind, **extra))
    for party in draw(st.lists(st.sampled_from([None, "GHA", "DEU", "FRA"]), max_size=4)):
        events.append(fact(draw(days).isoformat(), "written_feedback_submitted", party))
    if draw(st.booleans()):
        events.append(
            fact(draw(days).isoformat(), "reviewer_replaced", "DEU", by="FRA", requested_by="DEU")
        )
    return events


@settings(max_examples=200, deadline=None)
@given(random_histories())
def test_facts_admitted_one_by_one_form_a_history_the_process_allows(events):
    today = CommandDate(date(2030, 1, 1))
    admitted: list[Event] = []
    for e in _arrivals(events):
        if admit(DEFINITION, _review_of(e), admitted, e, today) is None:
            admitted.append(e)
    roll = focal_points_on([e for e in admitted if e.review is None], date.max)
    mine = [e for e in admitted if e.review]
    if len({e.on for e in mine}) == len(mine):
        # (within one day an import may order facts otherwise than their arrival)
        assert review_refusals(DEFINITION, REVIEW, mine, lambda e: True, roll, today) == []
    assert len(admitted) <= len(_arrivals(events))
    kinds = [e.type for e in mine]
    for once in ("saq_submitted", "observations_agreed", "preliminary_consultation_held"):
        assert kinds.count(once) <= 1
    parties = {p: _party(p) for p in PARTIES}
    snapshot = Snapshot(parties, {REVIEW.id: REVIEW}, tuple(admitted))
    state = mechanism_states(DEFINITION, snapshot, date(2030, 1, 1))[REVIEW.id]
    first = {k: min((e.on for e in mine if e.type == k), default=None) for k in kinds}
    if state.stage == "completed":
        assert first["saq_submitted"] is not None
        assert first["saq_submitted"] <= state.step("written_feedback").completed_on
        assert state.step("written_feedback").completed_on <= first["observations_agreed"]
    for s in state.steps:
        if s.completed_on is not None and s.step != "experts":
            assert s.completed_on >= START or s.step == "focal_points"


def _party(code: str):
    from untoc_workflow.core import Party

    return Party(code, code, "WEOG", {"UNTOC": date(2000, 1, 1)})
