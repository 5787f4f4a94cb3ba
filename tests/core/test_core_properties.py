"""Property tests of the core over random review histories (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from untoc_workflow.core import (
    Event,
    Party,
    Review,
    ReviewerAssignment,
    Snapshot,
    mechanism_states,
)
from untoc_workflow.dates import Duration, add_months
from untoc_workflow.definitions import load_process

DEFINITION = load_process()
START = date(2020, 12, 1)
PARTIES = ("AAA", "BBB", "CCC", "DDD")
STAGES = DEFINITION.stages
REVIEW = Review(
    "R1",
    1,
    1,
    "AAA",
    ("UNTOC",),
    (ReviewerAssignment("BBB", ("UNTOC",)), ReviewerAssignment("CCC", ("UNTOC",))),
    START,
)

days = st.integers(min_value=0, max_value=1500).map(lambda n: START + timedelta(days=n))
# from a year before the review began: a Party names its focal point or experts when it will
any_days = st.integers(min_value=-400, max_value=1500).map(lambda n: START + timedelta(days=n))


@st.composite
def histories(draw: st.DrawFn, early: bool = False, redraw: bool = True) -> Snapshot:
    """A review's random history. With `early`, the Parties' facts (focal points, experts)
    may come before the review began; the review's own facts always come after."""
    events: list[Event] = []
    party_days = any_days if early else days
    for party in PARTIES:
        if draw(st.booleans()):
            events.append(
                Event(
                    draw(party_days),
                    "focal_point_nominated",
                    party=party,
                    data={"person": {"name": party, "email": f"fp@{party}"}},
                )
            )
        if draw(st.booleans()):
            events.append(
                Event(
                    draw(party_days),
                    "focal_point_withdrawn",
                    party=party,
                    data={"email": f"fp@{party}"},
                )
            )
    if early and draw(st.booleans()):
        events.append(Event(draw(party_days), "experts_nominated", party="AAA", data={"count": 2}))
    if draw(st.booleans()):
        agreed = {
            k: draw(days)
            for k in ("saq", "written_feedback", "observations")
            if draw(st.booleans())
        }
        langs = draw(st.lists(st.sampled_from(["en", "fr", "es", "ar"]), max_size=3, unique=True))
        events.append(
            Event(
                draw(days),
                "preliminary_consultation_held",
                review="R1",
                data={"languages": langs, "agreed": agreed},
            )
        )
    for kind in ("saq_submitted", "observations_agreed"):
        if draw(st.booleans()):
            events.append(Event(draw(days), kind, review="R1"))
    for party in draw(st.lists(st.sampled_from([None, "BBB", "CCC", "DDD"]), max_size=3)):
        events.append(Event(draw(days), "written_feedback_submitted", review="R1", party=party))
    if redraw and draw(st.booleans()):
        events.append(
            Event(
                draw(days),
                "reviewer_replaced",
                review="R1",
                party="CCC",
                data={"by": "DDD", "requested_by": "CCC"},
            )
        )
    for _ in range(draw(st.integers(0, 2))):
        step = draw(st.sampled_from(["saq", "written_feedback", "observations"]))
        events.append(
            Event(
                draw(days),
                "deadline_extended",
                review="R1",
                data={"step": step, "due": draw(days), "basis": "test"},
            )
        )
    ordered = sorted(enumerate(events), key=lambda ie: (ie[1].on, ie[0]))
    events = [
        Event(e.on, e.type, seq, e.review, e.party, e.data) for seq, (_, e) in enumerate(ordered)
    ]
    parties = {p: Party(p, p, "WEOG", {"UNTOC": date(2000, 1, 1)}) for p in PARTIES}
    return Snapshot(parties, {"R1": REVIEW}, tuple(events))


def state_on(snapshot: Snapshot, day: date):
    return mechanism_states(DEFINITION, snapshot, day)["R1"]


@settings(max_examples=150, deadline=None)
@given(histories(), days, days)
def test_a_review_never_moves_back_a_stage(snapshot, d1, d2):
    early, late = sorted((d1, d2))
    assert STAGES.index(state_on(snapshot, early).stage) <= STAGES.index(
        state_on(snapshot, late).stage
    )


@settings(max_examples=150, deadline=None)
@given(histories(), days)
def test_facts_after_the_date_change_nothing(snapshot, day):
    known = Snapshot(
        snapshot.parties, snapshot.reviews, tuple(e for e in snapshot.events if e.on <= day)
    )
    assert state_on(snapshot, day) == state_on(known, day)


@settings(max_examples=150, deadline=None)
@given(histories(), days)
def test_deadline_precedence_is_extension_then_agreed_then_rule(snapshot, day):
    state = state_on(snapshot, day)
    known = [e for e in snapshot.events if e.on <= day]
    consultation = next((e for e in known if e.type == "preliminary_consultation_held"), None)
    assert DEFINITION.steps
    for step in DEFINITION.steps:
        s = state.step(step.id)
        if s.started_on is None or step.clock is None:
            assert s.deadline is None
            continue
        extensions = [
            e for e in known if e.type == "deadline_extended" and e.data["step"] == step.id
        ]
        agreed = (
            consultation.data["agreed"].get(step.id)
            if consultation and step.agreed_at == consultation.type
            else None
        )
        if extensions:
            assert (s.deadline.source, s.deadline.due) == ("extended", extensions[-1].data["due"])
        elif agreed:
            assert (s.deadline.source, s.deadline.due) == ("agreed", agreed)
        else:
            assert (s.deadline.source, s.deadline.due) == ("rule", step.clock.after(s.started_on))


@settings(max_examples=150, deadline=None)
@given(histories(), days)
def test_overdue_days_and_notifications_belong_to_open_steps(snapshot, day):
    state = state_on(snapshot, day)
    for s in state.steps:
        if s.is_open and s.deadline is not None:
            assert s.days_overdue == max(0, (day - s.deadline.due).days)
        else:
            assert s.days_overdue == 0
    keys = [n.key for n in state.notifications]
    assert len(keys) == len(set(keys))
    for n in state.notifications:
        step = state.step(n.step)
        assert step.is_open
        assert n.deadline == step.deadline
        assert n.due_on <= day
        assert n.key.endswith(step.deadline.due.isoformat())


@settings(max_examples=150, deadline=None)
@given(histories(), days)
def test_blocked_means_a_party_lacks_a_focal_point_before_the_consultation(snapshot, day):
    state = state_on(snapshot, day)
    assert state.blocked == (
        bool(state.parties_without_focal_point) and state.consultation_held_on is None
    )
    assert set(state.parties_without_focal_point) <= {state.reviewed, *state.reviewers}


# the steps a Party's fact completes: a condition on focal points, and experts named
PARTY_STEPS = ("focal_points", "experts")


@settings(max_examples=200, deadline=None)
@given(histories(early=True, redraw=False), any_days, any_days)
def test_a_step_done_by_a_partys_fact_reads_the_same_completion_date_from_any_later_date(
    snapshot, d1, d2
):
    """A Party's fact before the review began (focal points named in January for a review
    that begins in June) completes the step on the day the review began, seen from any
    date: never on the fact's own day from one date and on the start from another."""
    early, late = sorted((d1, d2))
    before, after = state_on(snapshot, early), state_on(snapshot, late)
    seen = {s: (before.step(s).completed_on, after.step(s).completed_on) for s in PARTY_STEPS}
    assert all(later == done for done, later in seen.values() if done is not None), seen
    assert all(done >= REVIEW.starts_on for done, _ in seen.values() if done is not None), seen


@settings(max_examples=300, deadline=None)
@given(days, st.integers(min_value=-48, max_value=48))
def test_calendar_months_fall_to_the_month_end(day, n):
    moved = add_months(day, n)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == n
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)
    assert Duration(n, "months").after(day) == moved


def test_six_months_after_the_last_day_of_august_is_the_last_day_of_february():
    assert add_months(date(2021, 8, 31), 6) == date(2022, 2, 28)
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)


@settings(max_examples=300, deadline=None)
@given(
    days,
    st.sampled_from(["1 day", "2 weeks", "1 month", "3 months", "6 months"]),
    st.one_of(st.none(), st.integers(1, 6)),
    st.integers(0, 900),
)
def test_the_latest_rung_occurrence_matches_counting_one_by_one(first, every, times, later):
    from untoc_workflow.core.ladder import latest_occurrence, occurrence_on

    interval = Duration.parse(every)
    as_of = first + timedelta(days=later)
    expected = None
    k = 0
    while (times is None or k < times) and occurrence_on(first, interval, k) <= as_of:
        expected = (k, occurrence_on(first, interval, k))
        k += 1
    assert latest_occurrence(first, interval, times, as_of) == expected


@settings(max_examples=100, deadline=None)
@given(histories(), days)
def test_the_first_day_all_parties_had_a_focal_point_is_found_as_day_by_day(snapshot, day):
    from untoc_workflow.core import focal_points_on

    parties = ("AAA", "BBB", "CCC")
    roll = focal_points_on(snapshot.events, day)
    event_days = sorted({e.on for e in snapshot.events if e.on <= day})
    expected = next(
        (d for d in event_days if all(focal_points_on(snapshot.events, d).has(p) for p in parties)),
        None,
    )
    assert roll.first_all_named(parties) == expected


@settings(max_examples=100, deadline=None)
@given(histories(), days)
def test_folding_without_notifications_changes_nothing_else(snapshot, day):
    from dataclasses import replace

    loud = mechanism_states(DEFINITION, snapshot, day)["R1"]
    quiet = mechanism_states(DEFINITION, snapshot, day, notifications=False)["R1"]
    assert quiet.notifications == ()
    assert quiet == replace(loud, notifications=())


@settings(max_examples=100, deadline=None)
@given(histories(), days, days)
def test_a_store_index_of_the_whole_log_gives_the_same_states(snapshot, cut, day):
    """A store hands over the index of its whole log with a snapshot cut at a date."""
    from untoc_workflow.core import EventIndex

    index = EventIndex(snapshot.events)
    kept = tuple(e for e in snapshot.events if e.on <= cut)
    indexed = Snapshot(snapshot.parties, snapshot.reviews, kept, index=index, cut=cut)
    plain = Snapshot(snapshot.parties, snapshot.reviews, kept)
    assert mechanism_states(DEFINITION, indexed, day) == mechanism_states(DEFINITION, plain, day)
