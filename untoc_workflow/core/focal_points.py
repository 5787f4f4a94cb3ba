"""Who is a party's focal point on a date, and since when every party of a review had one."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from .model import Event, Person

_NOMINATED = "focal_point_nominated"
_WITHDRAWN = "focal_point_withdrawn"
FOCAL_POINT_CHANGES = frozenset((_NOMINATED, _WITHDRAWN))
# A party's office is kept after every CHECKPOINT-th change (PartyHistory): a roll applies
# at most that many changes to the nearest one, and the history holds a dict per CHECKPOINT
# changes, not one per change (a dict per change, hundreds of thousands of them, costs more
# to make and for the collector to walk than the walk it spares)
CHECKPOINT = 64


class FocalPointRoll:
    """The focal points in office on `as_of`, with each party's history of having one.

    A party has a focal point on D when someone nominated on or before D has not been
    replaced or withdrawn on or before D (mechanism-file contract).
    """

    __slots__ = ("as_of", "_current", "_changed", "_transitions", "_steady")

    def __init__(self, as_of: date) -> None:
        self.as_of = as_of
        self._current: dict[str, dict[str, Any]] = {}  # party -> email -> Person or dict
        self._changed: set[str] = set()
        # party -> [(day, holds a focal point at the end of that day)], one entry per day
        self._transitions: dict[str, list[tuple[date, bool]]] = {}
        # party -> first day it had a focal point, for parties that never lost it since:
        # the usual case, answered without walking the days
        self._steady: dict[str, date] | None = None

    def persons(self, party: str) -> tuple[Person, ...]:
        return tuple(_person(p) for p in self._current.get(party, {}).values())

    def has(self, party: str) -> bool:
        return bool(self._current.get(party))

    def changed(self, party: str) -> bool:
        """The party replaced or withdrew a focal point on or before the date."""
        return party in self._changed

    @property
    def parties_with(self) -> frozenset[str]:
        return frozenset(p for p, people in self._current.items() if people)

    @property
    def parties_changed(self) -> frozenset[str]:
        return frozenset(self._changed)

    def all_persons(self) -> list[tuple[str, Person]]:
        return [
            (p, _person(person))
            for p, people in self._current.items()
            for person in people.values()
        ]

    def first_all_named(self, parties: Iterable[str]) -> date | None:
        """The first day at whose end every one of `parties` had a focal point, if any."""
        parties = tuple(dict.fromkeys(parties))
        steady = self._steady_days()
        if parties and all(p in steady for p in parties):
            return max(steady[p] for p in parties)
        if not all(self.has(p) or p in self._transitions for p in parties):
            return None
        days = sorted({d for p in parties for d, _ in self._transitions.get(p, ())})
        status = dict.fromkeys(parties, False)
        cursors = dict.fromkeys(parties, 0)
        for day in days:
            for p in parties:
                history = self._transitions.get(p, [])
                i = cursors[p]
                while i < len(history) and history[i][0] <= day:
                    status[p] = history[i][1]
                    i += 1
                cursors[p] = i
            if all(status.values()):
                return day
        return None

    def _steady_days(self) -> dict[str, date]:
        if self._steady is None:
            self._steady = {
                p: history[0][0]
                for p, history in self._transitions.items()
                if history and all(holds for _, holds in history)
            }
        return self._steady


def _person(p: Person | Mapping[str, Any]) -> Person:
    return p if isinstance(p, Person) else Person(**p)


def focal_points_on(
    events: Iterable[Event], as_of: date, *, ordered: bool = False
) -> FocalPointRoll:
    """Fold the focal-point events up to `as_of`, applied by date, then seq.

    `ordered=True` says each party's events already come in that order (a snapshot's do;
    parties may be interleaved, since each party's roll is its own), sparing a sort.
    """
    relevant = [
        e for e in events if (e.type == _NOMINATED or e.type == _WITHDRAWN) and e.on <= as_of
    ]
    if not ordered:
        relevant.sort(key=lambda e: (e.on, e.seq))
    by_party: dict[str, list[Event]] = {}  # in the order of each party's first change
    for e in relevant:
        if e.party is not None:
            found = by_party.get(e.party)
            if found is None:
                found = by_party[e.party] = []
            found.append(e)
    return roll_of_parties(by_party, as_of)


def roll_of_parties(changes: Mapping[str, Iterable[Event]], as_of: date) -> FocalPointRoll:
    """The roll on `as_of` from each party's events in (on, seq) order: its focal-point
    changes up to the date are applied, its other facts passed over. Parties are listed
    in the mapping's order (`all_persons`).

    One party at a time, since each party's roll is its own: a large log holds hundreds of
    thousands of nominations, and a party's own dict and days stay at hand. A one-date
    walk; a store's index keeps each party's `PartyHistory` for the roll on any date."""
    roll = FocalPointRoll(as_of)
    current, changed, transitions = roll._current, roll._changed, roll._transitions
    for party, events in changes.items():
        own = [e for e in _until(events, as_of) if e.type in FOCAL_POINT_CHANGES]
        if not own:
            continue
        people = current[party] = {}
        history = transitions[party] = []
        if _apply_run(people, own, history) is not None:
            changed.add(party)
    return roll


def _until(events: Iterable[Event], as_of: date) -> Iterator[Event]:
    """A party's events in (on, seq) order, up to the date."""
    for e in events:
        if e.on > as_of:
            return
        yield e


def _apply_run(
    people: dict[str, Any], changes: Sequence[Event], transitions: list[tuple[date, bool]] | None
) -> int | None:
    """Apply a party's focal-point changes (in (on, seq) order) to its office; the position
    of the first that replaced or withdrew someone, if any.

    With `transitions`, note whether the party holds a focal point at the end of each day,
    keeping only the days on which having one began or ended (and its first day): most
    nominations replace one focal point by another, and the questions the history answers
    (`first_all_named`) turn on those days alone.

    The one place a change is applied: the one-date walk, each party's history and the
    roll from a checkpoint all come here. One loop with everything local, since a large
    log holds hundreds of thousands of changes (a call per change cost half the time)."""
    first: int | None = None
    last_day, last_holds = transitions[-1] if transitions else (None, None)
    for i, e in enumerate(changes):
        data = e.data
        if e.type == _NOMINATED:
            replaced = data.get("replaces")
            if replaced:
                people.pop(replaced, None)
                if first is None:
                    first = i
            person = data["person"]
            people[person.email if type(person) is Person else person["email"]] = person
        else:
            people.pop(data.get("email", ""), None)
            if first is None:
                first = i
        if transitions is None:
            continue
        holds, on = bool(people), e.on
        if on == last_day:
            transitions[-1] = (on, holds)
            last_holds = holds
        elif holds is not last_holds:
            transitions.append((on, holds))
            last_day, last_holds = on, holds
    return first


class PartyHistory:
    """One party's focal-point changes over the whole log, applied once: its office every
    CHECKPOINT changes, the first change that replaced or withdrew someone, and the days on
    which having a focal point began or ended. The roll on any date is then a bisection per
    party and a few changes (`roll_from_histories`), not a walk over hundreds of thousands
    of nominations."""

    __slots__ = (
        "changes",
        "days",
        "checkpoints",
        "first_replaced",
        "transition_days",
        "transitions",
    )

    def __init__(self, changes: Sequence[Event], days: list[date]) -> None:
        """`changes`: the party's focal-point changes alone, in (on, seq) order; `days`
        their dates (the index reads them as it sorts the events)."""
        self.changes = changes
        self.days = days
        # checkpoints[k]: the office after the first k * CHECKPOINT changes (read-only)
        self.checkpoints: list[dict[str, Any]] = []
        self.first_replaced: int | None = None
        # as roll_of_parties keeps them (_apply_run)
        self.transitions: list[tuple[date, bool]] = []
        people: dict[str, Any] = {}
        for start in range(0, len(changes), CHECKPOINT):
            self.checkpoints.append(dict(people))
            first = _apply_run(people, changes[start : start + CHECKPOINT], self.transitions)
            if first is not None and self.first_replaced is None:
                self.first_replaced = start + first
        self.transition_days = [day for day, _ in self.transitions]

    def office_after(self, count: int) -> dict[str, Any]:
        """The party's focal points after its first `count` changes."""
        k = count // CHECKPOINT
        if k == len(self.checkpoints):  # past the last checkpoint: start from the one before
            k -= 1
        people = self.checkpoints[k]
        if count == k * CHECKPOINT:
            return people
        people = dict(people)
        _apply_run(people, self.changes[k * CHECKPOINT : count], None)
        return people


def roll_from_histories(
    histories: Mapping[str, PartyHistory], as_of: date, *, cut: date | None = None
) -> FocalPointRoll:
    """The roll on `as_of` of the changes up to `cut` (a snapshot's, when earlier), equal to
    `roll_of_parties` over the same changes; parties in the mapping's order."""
    last = as_of if cut is None else min(cut, as_of)
    roll = FocalPointRoll(as_of)
    current, changed, transitions = roll._current, roll._changed, roll._transitions
    for party, history in histories.items():
        i = bisect_right(history.days, last)
        if i == 0:
            continue
        current[party] = history.office_after(i)
        if history.first_replaced is not None and history.first_replaced < i:
            changed.add(party)
        transitions[party] = history.transitions[: bisect_right(history.transition_days, last)]
    return roll
