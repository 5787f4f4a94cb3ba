"""The core's fold of every review, arranged for a report over the whole Mechanism.

`core.mechanism_states` folds each review on its own. A report of 10,000 reviews and a
million events folds them all on one date, and can answer once what the general fold
would work out per review:

- one pass over the event log splits it per review and per Party; of a review's
  `deadline_extended` events only the latest per step is kept, since that is the only one
  a deadline is read from (extension > agreed > rule), and a long history is mostly these;
- the focal-point roll keeps, per Party, the days its having-a-focal-point changed, so
  "since when did all three Parties have one" is a max over first days when no Party ever
  lost its focal point (the usual case) and a walk over those few days otherwise;
- the party-scoped facts a step waits for (experts named) are handed over alone, the first
  of each kind only (the one the step completes on);
- a report sends nothing, so the reviews are folded without the escalation ladders: the
  states carry no due notifications (`notifications == ()`), everything else is the same.

The states are the core's `review_state` values: tests check they equal
`mechanism_states` (notifications aside) on the sample and on a generated history where
Parties lose and regain their focal points. The roll answers what the core's FocalPointRoll answers.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core import Person, ReviewState, review_state
from ..core.derive import PARTY_EVENTS
from ..core.model import Event, Snapshot

_NOMINATED = "focal_point_nominated"
_WITHDRAWN = "focal_point_withdrawn"
_EXTENDED = "deadline_extended"
_EXPERTS = "experts_nominated"


class ReportRoll:
    """The focal points in office on the date, as the core's roll defines them.

    A party has a focal point on D when someone nominated on or before D has not been
    replaced or withdrawn on or before D; it changed its focal point when any nomination
    with `replaces`, or any withdrawal, happened on or before D.
    """

    def __init__(self, by_party: dict[str, list[Event]], as_of: date):
        self.as_of = as_of
        self._current: dict[str, dict[str, Any]] = {}
        self._changed: set[str] = set()
        # party -> [(day, holds at the end of that day)] on the days that changed it
        self._transitions: dict[str, list[tuple[date, bool]]] = {}
        self._steady: dict[str, date] = {}  # first day, for parties that never lost it
        for party, events in by_party.items():
            people: dict[str, Any] = {}
            history: list[tuple[date, bool]] = []
            seen = False
            for e in events:  # one party's events, already in (on, seq) order
                kind = e.type
                if kind == _NOMINATED:
                    data = e.data
                    replaced = data.get("replaces")
                    if replaced:
                        people.pop(replaced, None)
                        self._changed.add(party)
                    person = data["person"]
                    email = person.email if isinstance(person, Person) else person["email"]
                    people[email] = person
                elif kind == _WITHDRAWN:
                    people.pop(e.data.get("email", ""), None)
                    self._changed.add(party)
                else:
                    continue
                seen = True
                holds = bool(people)
                if history and history[-1][0] == e.on:
                    history[-1] = (e.on, holds)
                elif not history or history[-1][1] != holds:
                    history.append((e.on, holds))
            if not seen:
                continue
            self._current[party] = people
            self._transitions[party] = history
            if history and all(h for _, h in history):
                self._steady[party] = history[0][0]

    def has(self, party: str) -> bool:
        return bool(self._current.get(party))

    def changed(self, party: str) -> bool:
        return party in self._changed

    def persons(self, party: str) -> tuple[Person, ...]:
        return tuple(_person(p) for p in self._current.get(party, {}).values())

    @property
    def parties_with(self) -> frozenset[str]:
        return frozenset(p for p, people in self._current.items() if people)

    @property
    def parties_changed(self) -> frozenset[str]:
        return frozenset(self._changed)

    def all_persons(self) -> list[tuple[str, Person]]:
        return [
            (party, _person(p)) for party, people in self._current.items() for p in people.values()
        ]

    def profiles(self) -> list[tuple[str, str | None, str | None]]:
        """(party, gender, ministry) of every focal point in office: what the report counts."""
        out = []
        for party, people in self._current.items():
            for p in people.values():
                if isinstance(p, Person):
                    out.append((party, p.gender, p.ministry))
                else:
                    out.append((party, p.get("gender"), p.get("ministry")))
        return out

    def first_all_named(self, parties: Iterable[str]) -> date | None:
        """The first day at whose end every one of `parties` had a focal point, if any."""
        parties = tuple(dict.fromkeys(parties))
        steady = self._steady
        if parties and all(p in steady for p in parties):
            return max(steady[p] for p in parties)
        transitions = self._transitions
        if not all(self.has(p) or p in transitions for p in parties):
            return None
        days = sorted({d for p in parties for d, _ in transitions.get(p, ())})
        status = dict.fromkeys(parties, False)
        cursors = dict.fromkeys(parties, 0)
        for day in days:
            for p in parties:
                history = transitions.get(p, [])
                i = cursors[p]
                while i < len(history) and history[i][0] <= day:
                    status[p] = history[i][1]
                    i += 1
                cursors[p] = i
            if all(status.values()):
                return day
        return None


def _person(p: Any) -> Person:
    return p if isinstance(p, Person) else Person(**p)


@dataclass
class Fold:
    states: dict[str, ReviewState]
    roll: ReportRoll
    party_events: dict[str, list[Event]]  # party -> its party-scoped events up to the date
    experts: list[Event]  # experts_nominated events up to the date


def _index(
    events: Sequence[Event], as_of: date
) -> tuple[dict[str, list[Event]], dict[str, list[Event]], list[Event]]:
    """Per review (latest extension per step only), per party, and the experts lists."""
    # the snapshot's events are sorted by (on, seq): stop at the first one after the date
    events = events[: bisect_right(events, as_of, key=lambda e: e.on)]
    by_review: defaultdict[str, list[Event]] = defaultdict(list)
    by_party: defaultdict[str, list[Event]] = defaultdict(list)
    latest: dict[tuple[str, Any], Event] = {}
    experts: list[Event] = []
    party_kinds = PARTY_EVENTS
    for e in events:  # a million events: keep this loop lean
        review = e.review
        if review is not None:
            if e.type == _EXTENDED:
                latest[review, e.data["step"]] = e  # required by the contract
            else:
                by_review[review].append(e)
        else:
            kind = e.type
            if kind in party_kinds and e.party is not None:
                by_party[e.party].append(e)
                if kind == _EXPERTS:
                    experts.append(e)
    touched: set[str] = set()
    for (review, _), e in latest.items():
        by_review[review].append(e)
        touched.add(review)
    for review in touched:
        by_review[review].sort(key=lambda e: (e.on, e.seq))
    return dict(by_review), dict(by_party), experts


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic collector: with a million live events, its full passes cost more
    than the report, and the report makes no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_quiet: dict[int, tuple[Any, Any]] = {}


def without_ladders(definition: Any) -> Any:
    """The definition with its escalation ladders left out (one copy per definition)."""
    found = _quiet.get(id(definition))
    if found is None or found[0] is not definition:
        try:
            steps = tuple(s.model_copy(update={"ladder": ()}) for s in definition.steps)
            quiet = definition.model_copy(update={"steps": steps})
        except AttributeError:  # not a pydantic definition: fold it as it is
            quiet = definition
        found = (definition, quiet)
        _quiet[id(definition)] = found
    return found[1]


def fold(definition: Any, snapshot: Snapshot, as_of: date) -> Fold:
    """Every review's state on `as_of` (without due notifications), with the roll and party
    events it was folded with."""
    quiet = without_ladders(definition)
    with paused_gc():
        by_review, by_party, experts = _index(snapshot.events, as_of)
        roll = ReportRoll(by_party, as_of)
        step_facts = {str(s.completed_by.event) for s in definition.steps if s.completed_by.event}
        # a step asks for the first such fact of the reviewed party: keep only that one
        party_steps: dict[str, list[Event]] = {}
        for p, events in by_party.items():
            firsts: dict[str, Event] = {}
            for e in events:
                if e.type in step_facts and e.type not in firsts:
                    firsts[e.type] = e
            if firsts:
                party_steps[p] = sorted(firsts.values(), key=lambda e: (e.on, e.seq))
        states = {
            rid: review_state(
                quiet,
                snapshot.reviews[rid],
                by_review.get(rid, ()),
                roll,  # type: ignore[arg-type]  # the same questions as FocalPointRoll
                as_of,
                party_steps,
            )
            for rid in sorted(snapshot.reviews)
        }
    return Fold(states, roll, by_party, experts)
