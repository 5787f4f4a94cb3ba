"""The fold: a definition, a review's events and a date give the review's state.

Pure: no clock, no I/O. "Status on 2024-04-16" is the fold of the events up to that day.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .deadlines import StepFacts, deadline_for
from .focal_points import FocalPointRoll, focal_points_on
from .ladder import due_rungs
from .model import Event, Review, Snapshot
from .state import Deadline, ReviewState, StepState

# Events that belong to a party rather than to one review.
PARTY_EVENTS = frozenset({"focal_point_nominated", "focal_point_withdrawn", "experts_nominated"})


class _Plan:
    """A definition compiled once: steps in an order where every `after` comes first."""

    def __init__(self, definition: Any) -> None:
        self.definition = definition
        by_id = {s.id: s for s in definition.steps}
        order: list[Any] = []
        placed: set[str] = set()
        pending = list(definition.steps)
        while pending:
            progressed = False
            for step in list(pending):
                after = step.starts.after
                if after is None or after in placed or after not in by_id:
                    order.append(step)
                    placed.add(step.id)
                    pending.remove(step)
                    progressed = True
            if not progressed:  # a cycle; the definition check reports it
                order.extend(pending)
                break
        self.order = tuple(order)
        self.position = {s.id: i for i, s in enumerate(definition.steps)}
        self.clocks = {s.id: s.clock for s in definition.steps}
        self.stage_index = {name: i for i, name in enumerate(definition.stages)}


_plans: dict[int, _Plan] = {}


def _plan(definition: Any) -> _Plan:
    plan = _plans.get(id(definition))
    if plan is None or plan.definition is not definition:
        plan = _Plan(definition)
        _plans[id(definition)] = plan
    return plan


class _ReviewFacts:
    """What the review's own events say, up to the date, in one pass."""

    __slots__ = (
        "reviewers",
        "consultation_on",
        "languages",
        "agreed",
        "first_event",
        "waived",
        "extensions",
        "feedback_by",
        "feedback_done_on",
    )

    def __init__(
        self,
        review: Review,
        events: Sequence[Event],
        as_of: date,
        feedback_event: str,
        extended: Mapping[str, Event] | None = None,
    ) -> None:
        self.reviewers = [r.party for r in review.reviewers]
        self.consultation_on: date | None = None
        self.languages: tuple[str, ...] | None = None
        self.agreed: Mapping[str, date] = {}
        self.first_event: dict[str, date] = {}
        self.waived: dict[str, date] = {}
        self.extensions: dict[str, Deadline] = {}
        self.feedback_by: dict[str, date] = {}
        self.feedback_done_on: date | None = None
        extended = dict(extended or {})
        for e in events:
            if e.on > as_of:
                break
            kind = e.type
            if kind == feedback_event:
                if self.feedback_done_on is None:
                    if e.party is None:
                        self.feedback_done_on = e.on  # joint feedback completes the step
                    else:
                        self.feedback_by.setdefault(e.party, e.on)
                        self._check_feedback(e.on)
                self.first_event.setdefault(kind, e.on)
            elif kind == "reviewer_replaced":
                leaving, joining = e.party, e.data.get("by")
                if leaving in self.reviewers and joining:
                    self.reviewers[self.reviewers.index(leaving)] = joining
                    if self.feedback_done_on is None:
                        self._check_feedback(e.on)
            elif kind == "deadline_extended":
                extended[e.data["step"]] = e  # the latest wins; made a Deadline once, below
            elif kind == "step_waived":
                self.waived.setdefault(e.data["step"], e.on)
            elif kind == "preliminary_consultation_held":
                if self.consultation_on is None:
                    self.consultation_on = e.on
                    self.languages = tuple(e.data.get("languages") or ())
                    self.agreed = e.data.get("agreed") or {}
                self.first_event.setdefault(kind, e.on)
            else:
                self.first_event.setdefault(kind, e.on)
        for step_id, e in extended.items():
            d = e.data
            self.extensions[step_id] = Deadline(
                d["due"], "extended", d.get("basis"), d.get("decision")
            )

    def _check_feedback(self, on: date) -> None:
        if self.feedback_by and all(r in self.feedback_by for r in self.reviewers):
            self.feedback_done_on = on


def review_state(
    definition: Any,
    review: Review,
    review_events: Sequence[Event],
    roll: FocalPointRoll,
    as_of: date,
    party_events: Mapping[str, Sequence[Event]] | None = None,
    *,
    notifications: bool = True,
    extensions: Mapping[str, Event] | None = None,
) -> ReviewState:
    """Derive one review's state on `as_of`.

    `review_events` are this review's events sorted by (on, seq); `roll` gives focal points
    on the date; `party_events` maps a party code to its party-scoped events (experts).
    With `notifications=False` the ladders are not walked (a report sends nothing) and the
    state's `notifications` is empty; everything else is the same. `extensions` gives the
    latest `deadline_extended` of each step when the caller found them already.
    """
    plan = _plan(definition)
    feedback_event = _each_reviewer_event(plan)
    facts = _ReviewFacts(review, review_events, as_of, feedback_event, extensions)
    parties = [review.reviewed, *facts.reviewers]
    without = tuple(p for p in dict.fromkeys(parties) if not roll.has(p))

    results: dict[str, StepState] = {}
    due = []
    for step in plan.order:
        started = _started_on(step, review, results, as_of)
        completed = _completed_on(step, review, facts, roll, parties, party_events, as_of)
        waived = facts.waived.get(step.id)
        status = "not_started"
        if waived is not None:
            status, completed = "waived", waived
        elif completed is not None:
            status = "completed"
        elif started is not None:
            status = "open"

        deadline = None
        clock = plan.clocks[step.id]
        if clock is not None and started is not None:
            agreed = facts.agreed.get(step.agreed_as) if step.agreed_as else None
            deadline = deadline_for(
                StepFacts(
                    started_on=started,
                    clock_due=clock.after(started),
                    agreed_due=agreed if isinstance(agreed, date) else None,
                    extension=facts.extensions.get(step.id),
                )
            )
        waiting: tuple[str, ...] = ()
        if status == "open":
            waiting = _waiting_for(step.waiting_for, review.reviewed, facts, without)
        overdue = 0
        if status == "open" and deadline is not None and as_of > deadline.due:
            overdue = (as_of - deadline.due).days
        state = StepState(
            step=step.id,
            status=status,
            started_on=started,
            completed_on=completed,
            deadline=deadline,
            days_overdue=overdue,
            waiting_for=waiting,
            submitted_by=tuple(p for p in facts.reviewers if p in facts.feedback_by)
            if step.completed_by.from_ == "each_reviewer"
            else (),
        )
        results[step.id] = state
        if notifications and status == "open" and deadline is not None and step.ladder and started:
            due.extend(
                due_rungs(
                    review=review.id,
                    step=step.id,
                    ladder=step.ladder,
                    deadline=deadline,
                    started_on=started,
                    as_of=as_of,
                    waiting_for=waiting,
                )
            )

    stage_i = 0
    for step in definition.steps:
        if step.stage_on_completion and results[step.id].status in ("completed", "waived"):
            stage_i = max(stage_i, plan.stage_index[step.stage_on_completion])
    consultation = facts.consultation_on
    return ReviewState(
        review=review.id,
        cluster=review.cluster,
        group=review.group,
        as_of=as_of,
        stage=definition.stages[stage_i],
        reviewed=review.reviewed,
        reviewers=tuple(facts.reviewers),
        consultation_held_on=consultation,
        languages=facts.languages,
        blocked=bool(without) and consultation is None,
        parties_without_focal_point=without,
        steps=tuple(results[s.id] for s in definition.steps),
        notifications=tuple(due),
        process_version=review.process_version,
    )


def _each_reviewer_event(plan: _Plan) -> str:
    for step in plan.definition.steps:
        if step.completed_by.from_ == "each_reviewer" and step.completed_by.event:
            return str(step.completed_by.event)
    return "written_feedback_submitted"


def _started_on(
    step: Any, review: Review, results: Mapping[str, StepState], as_of: date
) -> date | None:
    if step.starts.at == "review_start":
        return review.starts_on if review.starts_on <= as_of else None
    before = results.get(step.starts.after)
    if before is None or before.completed_on is None:
        return None
    # A step never starts before its review does, even if a fact came early.
    return max(before.completed_on, review.starts_on) if review.starts_on <= as_of else None


def _completed_on(
    step: Any,
    review: Review,
    facts: _ReviewFacts,
    roll: FocalPointRoll,
    parties: list[str],
    party_events: Mapping[str, Sequence[Event]] | None,
    as_of: date,
) -> date | None:
    rule = step.completed_by
    if rule.condition == "all_focal_points_named":
        return roll.first_all_named(parties)
    if rule.from_ == "each_reviewer":
        return facts.feedback_done_on
    found = facts.first_event.get(rule.event)
    if found is None and party_events is not None:
        # party-scoped facts (experts named) count for the reviewed party's step
        owner = review.reviewed
        for e in party_events.get(owner, ()):
            if e.on > as_of:
                break
            if e.type == rule.event:
                return e.on
    return found


def _waiting_for(
    kind: str, reviewed: str, facts: _ReviewFacts, without: tuple[str, ...]
) -> tuple[str, ...]:
    if kind == "reviewed":
        return (reviewed,)
    if kind == "reviewers":
        return tuple(facts.reviewers)
    if kind == "reviewers_pending":
        return tuple(p for p in facts.reviewers if p not in facts.feedback_by)
    if kind == "parties_without_focal_point":
        return without
    return tuple(dict.fromkeys([reviewed, *facts.reviewers]))


def index_events(
    events: Iterable[Event], as_of: date | None = None
) -> tuple[dict[str, list[Event]], dict[str, list[Event]]]:
    """Split events (sorted by date, seq) up to `as_of` into per-review and per-party lists."""
    by_review: dict[str, list[Event]] = defaultdict(list)
    by_party: dict[str, list[Event]] = defaultdict(list)
    if as_of is not None and isinstance(events, Sequence):
        # sorted by date: stop at the first event after the date instead of testing each
        events = events[: bisect_right(events, as_of, key=lambda e: e.on)]
    elif as_of is not None:
        events = [e for e in events if e.on <= as_of]
    for e in events:
        review = e.review
        if review is not None:
            by_review[review].append(e)
        elif e.party is not None and e.type in PARTY_EVENTS:
            by_party[e.party].append(e)
    return by_review, by_party


@dataclass(frozen=True)
class MechanismFold:
    """Every review's state on a date, with the focal-point roll and the party events
    (focal points, experts) up to that date that it was folded with."""

    states: dict[str, ReviewState]
    roll: FocalPointRoll
    party_events: dict[str, list[Event]]


def mechanism_states(
    definition: Any, snapshot: Snapshot, as_of: date, *, notifications: bool = True
) -> dict[str, ReviewState]:
    """Every review's state on `as_of`, in review id order."""
    return fold_mechanism(definition, snapshot, as_of, notifications=notifications).states


def fold_mechanism(
    definition: Any, snapshot: Snapshot, as_of: date, *, notifications: bool = True
) -> MechanismFold:
    """Fold the whole Mechanism on `as_of`: one pass over the log, then each review."""
    # The fold allocates many small objects and frees none in cycles; with a million events
    # alive, the cyclic collector's full passes cost more than the fold itself.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _fold(definition, snapshot, as_of, notifications)
    finally:
        if paused:
            gc.enable()


def _fold(definition: Any, snapshot: Snapshot, as_of: date, notifications: bool) -> MechanismFold:
    index = snapshot.index
    if index is None:
        index = EventIndex(snapshot.events[: bisect_right(snapshot.events, as_of, key=_on)])
    cut = min(as_of, snapshot.cut) if snapshot.index is not None and snapshot.cut else as_of
    by_party = {p: index.party_events(p, cut) for p in index.parties}
    by_party = {p: events for p, events in by_party.items() if events}
    roll = focal_points_on((e for p in by_party.values() for e in p), as_of, ordered=True)
    # A step completed by a party fact (experts named) needs only the first of each kind.
    firsts: dict[str, list[Event]] = {}
    for party, events in by_party.items():
        first: dict[str, Event] = {}
        for e in events:
            first.setdefault(e.type, e)
        firsts[party] = sorted(first.values(), key=_order)
    out: dict[str, ReviewState] = {}
    reviews = snapshot.reviews
    for review_id in sorted(reviews):
        events, extensions = index.review_events(review_id, cut)
        out[review_id] = review_state(
            definition,
            reviews[review_id],
            events,
            roll,
            as_of,
            firsts,
            notifications=notifications,
            extensions=extensions,
        )
    return MechanismFold(out, roll, by_party)


def _on(e: Event) -> date:
    return e.on


def _order(e: Event) -> tuple[date, int]:
    return (e.on, e.seq)


class _ReviewLog:
    __slots__ = ("days", "events", "extensions")

    def __init__(self) -> None:
        self.days: list[date] = []
        self.events: list[Event] = []
        # step -> (days, events) of its deadline_extended events
        self.extensions: dict[str, tuple[list[date], list[Event]]] = {}


class EventIndex:
    """A log's events arranged once for folds on any date: per review (its extensions per
    step apart, since only the latest counts) and per party, each in (on, seq) order.

    Built in one pass; a fold on a date then bisects each review's list instead of passing
    over the whole log. A store that keeps the log in memory keeps one of these with it.
    """

    def __init__(self, events: Sequence[Event]) -> None:
        # Built on first use: a store can hand one over with every snapshot at no cost.
        self._events: Sequence[Event] | None = events
        self._reviews: dict[str, _ReviewLog] = {}
        self._parties: dict[str, list[Event]] = {}
        self._party_days: dict[str, list[date]] = {}

    @property
    def parties(self) -> dict[str, list[Event]]:
        self.build()
        return self._parties

    def build(self) -> None:
        """Arrange the events now (otherwise done on first use)."""
        events, self._events = self._events, None
        if events is None:
            return
        reviews, parties = self._reviews, self._parties
        for e in events:
            review = e.review
            if review is not None:
                log = reviews.get(review)
                if log is None:
                    log = reviews[review] = _ReviewLog()
                if e.type == "deadline_extended":
                    step = e.data["step"]
                    pair = log.extensions.get(step)
                    if pair is None:
                        pair = log.extensions[step] = ([], [])
                    pair[0].append(e.on)
                    pair[1].append(e)
                else:
                    log.days.append(e.on)
                    log.events.append(e)
            elif e.party is not None and e.type in PARTY_EVENTS:
                found = parties.get(e.party)
                if found is None:
                    found = parties[e.party] = []
                found.append(e)
        self._party_days = {p: [e.on for e in events] for p, events in parties.items()}

    def review_events(self, review: str, as_of: date) -> tuple[list[Event], dict[str, Event]]:
        """The review's events up to the date (extensions aside), and the latest extension
        of each step up to the date."""
        self.build()
        log = self._reviews.get(review)
        if log is None:
            return [], {}
        events = log.events[: bisect_right(log.days, as_of)]
        latest = {}
        for step, (days, extended) in log.extensions.items():
            k = bisect_right(days, as_of)
            if k:
                latest[step] = extended[k - 1]
        return events, latest

    def party_events(self, party: str, as_of: date) -> list[Event]:
        self.build()
        return self._parties[party][: bisect_right(self._party_days[party], as_of)]
