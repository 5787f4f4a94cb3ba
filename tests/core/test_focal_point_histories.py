"""Each party's focal-point history, applied once for a log (core.focal_points.PartyHistory),
gives on every date the roll that walking the party's changes up to that date gives: the
same people in office, the same parties that replaced or withdrew someone, the same first
day on which every party of a review had one. Histories long enough to cross several of
its checkpoints (CHECKPOINT changes apart), with replacements, withdrawals, second focal
points, several changes on one day and the Parties' other facts between them."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from untoc_workflow.core import EventIndex, focal_points_on
from untoc_workflow.core.focal_points import CHECKPOINT, roll_from_histories, roll_of_parties
from untoc_workflow.core.model import Event, Person

START = date(2020, 1, 1)
PARTIES = ("AAA", "BBB", "CCC")
PEOPLE = tuple(f"fp{i}" for i in range(4))  # few addresses: replacements hit and miss


@st.composite
def logs(draw: st.DrawFn) -> tuple[Event, ...]:
    """A log of Party facts in (on, seq) order, some days holding several."""
    count = draw(st.integers(min_value=0, max_value=3 * CHECKPOINT))
    events = []
    day = START
    for seq in range(1, count + 1):
        day += timedelta(days=draw(st.sampled_from((0, 0, 1, 3, 40))))
        party = draw(st.sampled_from(PARTIES))
        kind = draw(st.sampled_from(("nominated", "nominated", "withdrawn", "experts")))
        email = f"{draw(st.sampled_from(PEOPLE))}@{party}"
        if kind == "nominated":
            person: Person | dict[str, str] = draw(
                st.sampled_from((Person(name=email, email=email), {"name": email, "email": email}))
            )
            data: dict[str, object] = {"person": person}
            replaced = draw(st.none() | st.sampled_from(PEOPLE))
            if replaced is not None:
                data["replaces"] = f"{replaced}@{party}"
            events.append(Event(day, "focal_point_nominated", seq, party=party, data=data))
        elif kind == "withdrawn":
            events.append(
                Event(day, "focal_point_withdrawn", seq, party=party, data={"email": email})
            )
        else:
            events.append(Event(day, "experts_nominated", seq, party=party, data={"count": 2}))
    return tuple(events)


days = st.integers(min_value=-5, max_value=3 * CHECKPOINT * 40).map(
    lambda n: START + timedelta(days=n)
)


def described(roll, parties=PARTIES):  # type: ignore[no-untyped-def]
    """All a roll answers, as plain values."""
    return (
        roll.all_persons(),
        roll.parties_with,
        roll.parties_changed,
        {p: (roll.has(p), roll.changed(p), roll.persons(p)) for p in parties},
        [roll.first_all_named(group) for group in (PARTIES, PARTIES[:2], PARTIES[2:])],
    )


@settings(max_examples=200, deadline=None)
@given(logs(), days, days)
def test_a_roll_from_the_histories_equals_the_walk_of_the_changes_up_to_the_date(events, cut, day):
    index = EventIndex(events)
    by_party, roll, _ = index.party_fold(cut, day)
    assert list(by_party) == list(dict.fromkeys(e.party for e in events if e.on <= cut))
    # the walk over each party's facts up to the cut, parties in the order of their first
    walked = roll_of_parties(
        {p: [e for e in events if e.party == p and e.on <= cut] for p in by_party}, day
    )
    assert described(roll) == described(walked)
    # and the same roll as a walk over the whole log (listed by first change, not first fact)
    whole = focal_points_on([e for e in events if e.on <= cut], day, ordered=True)
    assert sorted(roll.all_persons(), key=str) == sorted(whole.all_persons(), key=str)
    assert described(roll)[1:] == described(whole)[1:]


@settings(max_examples=100, deadline=None)
@given(logs(), st.lists(days, min_size=2, max_size=5))
def test_one_history_serves_every_date_and_no_roll_changes_another(events, dates):
    index = EventIndex(events)
    histories = index.party_histories()
    rolls = [roll_from_histories(histories, d) for d in dates]
    # each roll still its own date's, after the others were taken
    walked = [
        roll_of_parties({p: [e for e in events if e.party == p] for p in histories}, d)
        for d in dates
    ]
    assert [described(r) for r in rolls] == [described(w) for w in walked]
