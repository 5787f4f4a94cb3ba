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
from typing import Any, cast

from .deadlines import StepFacts, deadline_for
from .focal_points import (
    FOCAL_POINT_CHANGES,
    FocalPointRoll,
    PartyHistory,
    roll_from_histories,
)
from .ladder import due_rungs
from .model import Event, Review, Snapshot
from .rules import ENGINE_FACTS, RuleFacts, condition_rule, waiting_rule
from .shape import CatalogShape, Folded, P, ProcessShape
from .state import Deadline, ReviewState, StepState

MIGRATED = "process_migrated"
_TERMS = ("languages", "agreed")  # field types a fact may carry that set the review's terms


class _StepPlan:
    """One step compiled: how it completes and whom it waits for, as rule objects."""

    __slots__ = (
        "step",
        "id",
        "fact",
        "source",
        "party_fact",
        "condition",
        "waiting",
        "clock",
        "agreed",
        "each",
        "at_start",
        "afters",
        "start_fact",
        "counted_from",
        "ladder",
        "not_started",
        "by_rule",
    )

    def __init__(self, step: Any, definition: ProcessShape) -> None:
        self.step = step
        self.id: str = step.id
        rule = step.completed_by
        self.fact: str | None = rule.event
        self.source: str = rule.from_
        facts = getattr(definition, "facts", {}) or {}
        declared = facts.get(rule.event) if rule.event else None
        scope = declared.scope if declared is not None else ENGINE_FACTS.get(rule.event or "")
        self.party_fact = scope == "party"
        # the rules with the parameters the definition gives, built once per compiled plan
        self.condition = condition_rule(rule.condition) if rule.condition is not None else None
        self.waiting = waiting_rule(step.waiting_for)
        self.clock = step.clock
        # a date for this step may be agreed at this fact (under the step's id)
        self.agreed: str | None = getattr(step, "agreed_at", None)
        self.each = self.source == "each_reviewer" and not self.party_fact
        starts = step.starts
        self.at_start: bool = starts.at == "review_start"
        self.afters: tuple[str, ...] = tuple(starts.afters)
        self.start_fact: str | None = getattr(starts, "fact", None)
        # "every 12 months from the adoption date": the clock's origin is a fact's date field
        counted = getattr(starts, "counted_from", None)
        self.counted_from: tuple[str, str] | None = (
            (counted.fact, counted.field) if counted is not None else None
        )
        self.ladder = step.ladder
        # the state of a step with nothing yet: a value, one for every review that has it
        self.not_started = StepState(step=self.id, status="not_started")
        # start day -> the deadline the clock alone gives (no agreed date, no extension):
        # ten thousand reviews start on a few hundred days
        self.by_rule: dict[date, Deadline | None] = {}


class _Plan:
    """A definition compiled once: steps in an order where every `after` comes first."""

    def __init__(self, definition: ProcessShape) -> None:
        self.definition = definition
        by_id = {s.id: s for s in definition.steps}
        order: list[Any] = []
        placed: set[str] = set()
        pending = list(definition.steps)
        while pending:
            progressed = False
            for step in list(pending):
                if all(a in placed or a not in by_id for a in step.starts.afters):
                    order.append(step)
                    placed.add(step.id)
                    pending.remove(step)
                    progressed = True
            if not progressed:  # a cycle; the definition check reports it
                order.extend(pending)
                break
        self.order = tuple(_StepPlan(s, definition) for s in order)
        self.stage_index = {name: i for i, name in enumerate(definition.stages)}
        # review facts whose parts are counted per reviewer (each_reviewer steps)
        self.each_facts = frozenset(p.fact for p in self.order if p.each and p.fact)
        # facts that set the review's terms: the first one gives its languages and agreed dates
        facts = getattr(definition, "facts", {}) or {}
        self.terms: dict[str, tuple[str | None, str | None]] = {}
        for name, fact in facts.items():
            fields = getattr(fact, "fields", {})
            lang = next((f for f, spec in fields.items() if spec.type == "languages"), None)
            agreed = next((f for f, spec in fields.items() if spec.type == "agreed"), None)
            if lang or agreed:
                self.terms[name] = (lang, agreed)
        self.final_stage = definition.stages[-1]
        self.step_ids = tuple(s.id for s in definition.steps)
        # the stage each step's completion moves the review to, and the optional steps
        self.stage_moves = tuple(
            (s.id, self.stage_index[s.stage_on_completion])
            for s in definition.steps
            if s.stage_on_completion
        )
        self.optional = tuple(s.id for s in definition.steps if s.optional)
        # facts whose date field some step's clock counts from
        self.counted_facts = frozenset(p.counted_from[0] for p in self.order if p.counted_from)


_plans: dict[int, _Plan] = {}


def _plan(definition: ProcessShape) -> _Plan:
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
        "parts",
        "done",
        "first_data",
    )

    def __init__(
        self,
        review: Review,
        events: Sequence[Event],
        as_of: date,
        plan: _Plan,
        extended: Mapping[str, Event] | None = None,
        mapping: Mapping[str, str | None] | None = None,
    ) -> None:
        self.reviewers = [r.party for r in review.reviewers]
        self.consultation_on: date | None = None
        self.languages: tuple[str, ...] | None = None
        self.agreed: Mapping[str, date] = {}
        self.first_event: dict[str, date] = {}
        self.waived: dict[str, date] = {}
        self.extensions: dict[str, Deadline] = {}
        # fact -> reviewer -> the day it sent its part; fact -> the day every reviewer had
        self.parts: dict[str, dict[str, date]] = {}
        self.done: dict[str, date] = {}
        # the fields of the first fact of each kind a step's clock counts from
        self.first_data: dict[str, Mapping[str, Any]] = {}
        counted = plan.counted_facts
        each = plan.each_facts
        terms = plan.terms
        extended = dict(extended or {})
        for e in events:
            if e.on > as_of:
                break
            kind = e.type
            if counted and kind in counted and kind not in self.first_data:
                self.first_data[kind] = e.data
            if kind in each:
                if kind not in self.done:
                    if e.party is None:
                        self.done[kind] = e.on  # a joint fact completes the step
                    else:
                        self.parts.setdefault(kind, {}).setdefault(e.party, e.on)
                        self._check_parts(kind, e.on)
                self.first_event.setdefault(kind, e.on)
            elif kind == "reviewer_replaced":
                leaving, joining = e.party, e.data.get("by")
                if leaving in self.reviewers and joining:
                    self.reviewers[self.reviewers.index(leaving)] = joining
                    for pending in each:
                        if pending not in self.done:
                            self._check_parts(pending, e.on)
            elif kind == "deadline_extended":
                extended[e.data["step"]] = e  # the latest wins; made a Deadline once, below
            elif kind == "step_waived":
                self.waived.setdefault(e.data["step"], e.on)
            elif kind in terms:
                if self.consultation_on is None:
                    self.consultation_on = e.on
                    lang, agreed = terms[kind]
                    if lang is not None:
                        self.languages = tuple(e.data.get(lang) or ())
                    if agreed is not None:
                        self.agreed = e.data.get(agreed) or {}
                self.first_event.setdefault(kind, e.on)
            else:
                self.first_event.setdefault(kind, e.on)
        for step_id, e in extended.items():
            d = e.data
            self.extensions[step_id] = Deadline(
                d["due"], "extended", d.get("basis"), d.get("decision")
            )
        if mapping:
            # a migration renamed steps: what was recorded for the old ids holds for the new
            self.extensions = _renamed(self.extensions, mapping)
            self.waived = _renamed(self.waived, mapping)
            self.agreed = _renamed(self.agreed, mapping)

    def _check_parts(self, kind: str, on: date) -> None:
        parts = self.parts.get(kind)
        if parts and all(r in parts for r in self.reviewers):
            self.done[kind] = on


def _renamed(values: Mapping[str, Any], mapping: Mapping[str, str | None]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for step, value in values.items():
        target = mapping.get(step, step)
        if target is not None:
            out[target] = value
    return out


def resolve_definition(
    definitions: CatalogShape[P] | P, review: Review, migrations: Sequence[Event], as_of: date
) -> tuple[P, Mapping[str, str | None] | None]:
    """The definition a review folds with on `as_of`: the one it records, or the one the
    latest migration on or before the date moved it to (with that migration's step mapping).
    A single definition (not a catalog) folds every review."""
    resolve = getattr(definitions, "resolve", None)
    if resolve is None:  # no catalog: the one definition given
        return cast(P, definitions), None
    latest = None
    for e in migrations:
        if e.type == MIGRATED and e.on <= as_of:
            latest = e
    if latest is None:
        return resolve(review.process, review.process_version), None
    d = latest.data
    return resolve(d.get("process") or review.process, d["version"]), d.get("steps") or None


def review_state(
    definition: Folded,
    review: Review,
    review_events: Sequence[Event],
    roll: FocalPointRoll,
    as_of: date,
    party_events: Mapping[str, Sequence[Event]] | None = None,
    *,
    notifications: bool = True,
    extensions: Mapping[str, Event] | None = None,
    migrations: Sequence[Event] | None = None,
) -> ReviewState:
    """Derive one review's state on `as_of`.

    `definition` is one process definition, or a catalog of every loaded version (then the
    review folds with the version it records, or the one a migration moved it to).
    `review_events` are this review's events sorted by (on, seq); `roll` gives focal points
    on the date; `party_events` maps a party code to its party-scoped events (experts).
    With `notifications=False` the ladders are not walked (a report sends nothing) and the
    state's `notifications` is empty; everything else is the same. `extensions` gives the
    latest `deadline_extended` of each step, and `migrations` the review's migration
    events, when the caller found them already.
    """
    if migrations is None:
        migrations = [e for e in review_events if e.type == MIGRATED]
    definition, mapping = resolve_definition(definition, review, migrations, as_of)
    plan = _plan(definition)
    facts = _ReviewFacts(review, review_events, as_of, plan, extensions, mapping)
    parties = [review.reviewed, *facts.reviewers]
    without = tuple(p for p in dict.fromkeys(parties) if not roll.has(p))
    context = RuleFacts(review.reviewed, facts.reviewers, parties, without, roll)

    results: dict[str, StepState] = {}
    for sp in plan.order:
        started = _started_on(sp, review, results, facts, as_of)
        completed = _completed_on(sp, review, facts, context, party_events, as_of)
        if completed is not None:
            # A step is never done before it starts. Focal points named (or experts
            # designated) before the review began complete its first step on the day it
            # began; before that day, or while such a step has not started, they complete
            # nothing yet: the step's completion date is the same on every date it is asked.
            if started is None:
                if sp.party_fact or sp.condition is not None or review.starts_on > as_of:
                    completed = None
            elif completed < started:
                completed = started
        waived = facts.waived.get(sp.id)
        status = "not_started"
        if waived is not None:
            status, completed = "waived", waived
        elif completed is not None:
            status = "completed"
        elif started is not None:
            status = "open"

        submitted = facts.parts.get(sp.fact, _NONE) if sp.each and sp.fact else _NONE
        if started is None and status == "not_started" and not (sp.each and submitted):
            results[sp.id] = sp.not_started  # no deadline, nothing waited for
            continue
        deadline = None
        clock = sp.clock
        if clock is not None and started is not None:
            agreed = facts.agreed.get(sp.id) if sp.agreed else None
            if isinstance(agreed, str):
                agreed = date.fromisoformat(agreed)
            agreed_due = agreed if isinstance(agreed, date) else None
            extension = facts.extensions.get(sp.id)
            if agreed_due is None and extension is None:
                by_rule = sp.by_rule
                if started in by_rule:
                    deadline = by_rule[started]
                else:
                    deadline = by_rule[started] = deadline_for(
                        StepFacts(started, clock.after(started), None, None)
                    )
            else:
                deadline = deadline_for(
                    StepFacts(
                        started_on=started,
                        clock_due=clock.after(started),
                        agreed_due=agreed_due,
                        extension=extension,
                    )
                )
        waiting: tuple[str, ...] = ()
        if status == "open":
            waiting = sp.waiting.waiting_for(context, submitted)
        overdue = 0
        if status == "open" and deadline is not None and as_of > deadline.due:
            overdue = (as_of - deadline.due).days
        results[sp.id] = StepState(
            step=sp.id,
            status=status,
            started_on=started,
            completed_on=completed,
            deadline=deadline,
            days_overdue=overdue,
            waiting_for=waiting,
            submitted_by=tuple(p for p in facts.reviewers if p in submitted) if sp.each else (),
        )

    stage_i = 0
    for step_id, moves_to in plan.stage_moves:
        if moves_to > stage_i and results[step_id].status in ("completed", "waived"):
            stage_i = moves_to
    stage = definition.stages[stage_i]
    if stage == plan.final_stage:
        # the review is complete: an optional step it did without is skipped, not chased;
        # one that starts on or after the day it completed (a yearly follow-up report after
        # the adoption) is what comes after the review, and is chased like any other step
        reached = [
            day
            for step_id, moves_to in plan.stage_moves
            if moves_to == stage_i and (day := results[step_id].completed_on) is not None
        ]
        completed_on = min(reached, default=None)
        for step_id in plan.optional:
            state = results[step_id]
            if (
                state.status == "open"
                and completed_on is not None
                and state.started_on is not None
                and state.started_on >= completed_on
            ):
                continue
            if state.status in ("open", "not_started"):
                results[step_id] = StepState(
                    step=step_id,
                    status="skipped",
                    started_on=state.started_on,
                    deadline=state.deadline,
                )
    due = []
    if notifications:
        for sp in plan.order:
            state = results[sp.id]
            if state.status == "open" and state.deadline is not None and sp.ladder:
                due.extend(
                    due_rungs(
                        review=review.id,
                        step=sp.id,
                        ladder=sp.ladder,
                        deadline=state.deadline,
                        started_on=state.started_on,  # type: ignore[arg-type]
                        as_of=as_of,
                        waiting_for=state.waiting_for,
                    )
                )
    consultation = facts.consultation_on
    return ReviewState(
        review=review.id,
        cluster=review.cluster,
        group=review.group,
        as_of=as_of,
        stage=stage,
        reviewed=review.reviewed,
        reviewers=tuple(facts.reviewers),
        consultation_held_on=consultation,
        languages=facts.languages,
        blocked=bool(without) and consultation is None,
        parties_without_focal_point=without,
        steps=tuple(results[step_id] for step_id in plan.step_ids),
        notifications=tuple(due),
        process_version=definition_version(definition, review),
        process=getattr(definition, "process", review.process),
    )


_NONE: Mapping[str, date] = {}


def definition_version(definition: ProcessShape, review: Review) -> int:
    version = getattr(definition, "version", None)
    return version if isinstance(version, int) else review.process_version


def _started_on(
    sp: _StepPlan,
    review: Review,
    results: Mapping[str, StepState],
    facts: _ReviewFacts,
    as_of: date,
) -> date | None:
    if review.starts_on > as_of:
        return None
    if sp.at_start:
        return review.starts_on
    fact = sp.start_fact
    if fact is not None:
        # a conditional step: it starts when its fact is recorded, never before the review
        on = facts.first_event.get(fact)
        return max(on, review.starts_on) if on is not None else None
    if not sp.afters:
        return None
    done = []
    for after in sp.afters:  # it starts when the last of them is complete
        before = results.get(after)
        if before is None or before.completed_on is None:
            return None
        done.append(before.completed_on)
    if sp.counted_from is not None:
        # the clock counts from a fact's date field (the adoption date, not the day the
        # adoption was recorded); without that fact or field, from the step's start
        origin = _date_field(facts.first_data.get(sp.counted_from[0]), sp.counted_from[1])
        if origin is not None:
            return max(origin, review.starts_on)
    # A step never starts before its review does, even if a fact came early.
    return max(*done, review.starts_on)


def _date_field(data: Mapping[str, Any] | None, field: str) -> date | None:
    value = (data or {}).get(field)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _completed_on(
    sp: _StepPlan,
    review: Review,
    facts: _ReviewFacts,
    context: RuleFacts,
    party_events: Mapping[str, Sequence[Event]] | None,
    as_of: date,
) -> date | None:
    if sp.condition is not None:
        return sp.condition.completed_on(context)
    kind = sp.fact
    if kind is None:
        return None
    if not sp.party_fact:
        if sp.each:
            return facts.done.get(kind)
        return facts.first_event.get(kind)
    # a Party's fact (experts named): from the reviewed Party, or from the reviewers
    if party_events is None:
        return None
    if sp.source in ("each_reviewer", "any_reviewer"):
        days = [_first_party_fact(party_events, p, kind, as_of) for p in facts.reviewers]
        known = [d for d in days if d is not None]
        if sp.source == "any_reviewer":
            return min(known, default=None)
        return max(known) if known and len(known) == len(days) else None
    return _first_party_fact(party_events, review.reviewed, kind, as_of)


def _first_party_fact(
    party_events: Mapping[str, Sequence[Event]], party: str, kind: str, as_of: date
) -> date | None:
    for e in party_events.get(party, ()):
        if e.on > as_of:
            break
        if e.type == kind:
            return e.on
    return None


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
        elif e.party is not None:  # a Party's fact: it names a party and no review
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
    definition: Folded, snapshot: Snapshot, as_of: date, *, notifications: bool = True
) -> dict[str, ReviewState]:
    """Every review's state on `as_of`, in review id order."""
    return fold_mechanism(definition, snapshot, as_of, notifications=notifications).states


def fold_mechanism(
    definition: Folded, snapshot: Snapshot, as_of: date, *, notifications: bool = True
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
            # what the fold built goes straight to the oldest generation (two list
            # splices), not walked by a young collection and then the middle one
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def _fold(
    definition: Folded, snapshot: Snapshot, as_of: date, notifications: bool
) -> MechanismFold:
    index = snapshot.index
    if index is None:
        index = EventIndex(snapshot.events[: bisect_right(snapshot.events, as_of, key=_on)])
    cut = min(as_of, snapshot.cut) if snapshot.index is not None and snapshot.cut else as_of
    by_party, roll, firsts = index.party_fold(cut, as_of)
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
            migrations=index.migrations(review_id),
        )
    return MechanismFold(out, roll, by_party)


def _on(e: Event) -> date:
    return e.on


class _ReviewLog:
    __slots__ = ("days", "events", "extensions", "migrations")

    def __init__(self) -> None:
        self.days: list[date] = []
        self.events: list[Event] = []
        self.migrations: list[Event] = []  # process_migrated, also kept in `events`
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
        # party -> its focal-point changes alone, then (on the first roll) applied once, for
        # the roll on any later date
        self._party_changes: dict[str, list[Event]] = {}
        self._party_change_days: dict[str, list[date]] = {}  # their dates, side by side
        self._party_histories: dict[str, PartyHistory] | None = None
        # party -> its first event of each kind, in (on, seq) order
        self._party_firsts: dict[str, list[Event]] = {}
        self._party_folds: dict[
            tuple[date, date],
            tuple[dict[str, list[Event]], FocalPointRoll, dict[str, list[Event]]],
        ] = {}

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
        firsts: dict[str, dict[str, Event]] = {}
        changes, change_days = self._party_changes, self._party_change_days
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
                    if e.type == MIGRATED:
                        log.migrations.append(e)
            elif e.party is not None:  # a Party's fact: it names a party and no review
                found = parties.get(e.party)
                if found is None:
                    found = parties[e.party] = []
                    firsts[e.party] = {}
                found.append(e)
                first = firsts[e.party]
                if e.type not in first:
                    first[e.type] = e
                if e.type in FOCAL_POINT_CHANGES:
                    found = changes.get(e.party)
                    if found is None:
                        found = changes[e.party] = []
                        change_days[e.party] = []
                    found.append(e)
                    # read here, where the event is at hand: a second pass over 450,000
                    # changes scattered in memory costs more than the appends
                    change_days[e.party].append(e.on)
        self._party_days = {p: [e.on for e in events] for p, events in parties.items()}
        # events come in (on, seq) order: so do the firsts, in the order they were met
        self._party_firsts = {p: list(first.values()) for p, first in firsts.items()}

    def party_histories(self) -> dict[str, PartyHistory]:
        """Each party's focal-point changes applied once, on the first roll (about as long
        as that roll's own walk): a store keeps this index and rolls it on many dates."""
        self.build()
        if self._party_histories is None:
            days = self._party_change_days
            self._party_histories = {
                p: PartyHistory(c, days[p]) for p, c in self._party_changes.items()
            }
        return self._party_histories

    def party_fold(
        self, cut: date, as_of: date
    ) -> tuple[dict[str, list[Event]], FocalPointRoll, dict[str, list[Event]]]:
        """The Parties' facts up to `cut`, their focal-point roll on `as_of`, and each
        Party's first fact of each kind. Made once per date for this index: a warm store
        folds every review on the same day again and again (the portal, the desk), and at
        a million events the roll walks 200,000 focal-point changes. Read-only: shared by
        every fold of that date."""
        key = (cut, as_of)
        found = self._party_folds.get(key)
        if found is not None:
            return found
        by_party = {p: self.party_events(p, cut) for p in self.parties}
        by_party = {p: events for p, events in by_party.items() if events}
        histories = self.party_histories()
        roll = roll_from_histories(
            {p: histories[p] for p in by_party if p in histories}, as_of, cut=cut
        )
        # A step completed by a party fact (experts named) needs only the first of each
        # kind: of those in the whole log, the ones on or before the date (the first of a
        # kind up to a date is the log's first, or there is none)
        every_first = self._party_firsts
        firsts = {p: [e for e in every_first[p] if e.on <= cut] for p in by_party}
        if len(self._party_folds) >= 4:  # a few dates: today, and a past date or two
            self._party_folds.pop(next(iter(self._party_folds)))
        found = self._party_folds[key] = (by_party, roll, firsts)
        return found

    def migrations(self, review: str) -> list[Event]:
        """The review's process migrations (all dates: the fold picks the one in force)."""
        self.build()
        log = self._reviews.get(review)
        return log.migrations if log is not None else []

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
