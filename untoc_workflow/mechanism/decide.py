"""Applying a Conference decision: which deadlines move, which notices stop applying.

`plan_decision` is pure (snapshot in, plan out); the plan lists every deadline that would
move (review, step, old, new, why), every rule that changes, and every pending notification
that would be cancelled. Applying records the plan's events, each with a deterministic id
(`decision:<ref>:<review>:<step>`) and the decision's reference, so applying twice adds
nothing and every deadline it set can say "extended by decision X".

How each effect is applied (and why):
- `extend_deadline`: the deadline in force on the date (rule, agreed or extended) moves by
  the duration, for reviews whose step is open that day. Event dated that day.
- `change_duration`: the Conference changes a rule, not the agreements made under it. A
  step whose deadline comes from the rule clock, and that was running on or after `from`,
  gets an extension to (its start + the new duration), dated `from` (or the step's start if
  later), whose basis names the decision. We record extensions rather than editing the
  definition because running reviews must keep one auditable answer to "why is this date
  what it is", and because the definition is versioned, never edited in place. A shorter
  clock applies only to steps that start on or after `from`: nobody becomes late
  retroactively. Agreed or already-extended deadlines are kept and listed as kept. Steps
  that start after the decision is applied are picked up when it is applied again (it is
  idempotent), e.g. by the sweep.
- `waive_step`: a `step_waived` event for reviews that have not completed the step.
- `set_threshold`: a rule change, recorded with the decision in the store; the 70 % rule
  (`clusters.py`) reads it from there.

Each review folds with its own process version (the one it records, or the one a migration
moved it to by the effect's date). An effect reaches only the reviews whose process has the
step it names (and, for a deadline, lets it move): a review selected by cluster or group
whose process lacks it is not concerned, and the plan counts it under `skipped`; a review
named by id whose process lacks it is refused before anything is planned
(`decisions.reviews_not_concerned`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..core.model import Event, Review, Snapshot
from ..core.state import Deadline, ReviewState
from ..dates import Duration
from ..definitions.catalog import Definitions
from ..errors import InputError, Problem
from .decisions import (
    ChangeDuration,
    Decision,
    ExtendDeadline,
    SetThreshold,
    WaiveStep,
    effect_concerns,
)
from .states import Folder, only_steps, planned


@dataclass(frozen=True, slots=True)
class DeadlineMove:
    """A deadline that moves (or a step that is waived) once the decision is applied."""

    review: str
    step: str
    old: Deadline | None
    new: Deadline | None  # None when the step is waived
    why: str

    @property
    def old_due(self) -> date | None:
        return self.old.due if self.old else None

    @property
    def new_due(self) -> date | None:
        return self.new.due if self.new else None


@dataclass(frozen=True, slots=True)
class Kept:
    """A deadline the decision could have touched but leaves as it is, and why."""

    review: str
    step: str
    due: date | None
    why: str


@dataclass(frozen=True, slots=True)
class RuleChange:
    rule: str
    old: str
    new: str
    from_: date


@dataclass(frozen=True, slots=True)
class PendingNotice:
    """A notification recorded in the outbox and not yet sent (what the plan may cancel)."""

    id: Any
    key: str  # the notification's key: "<review>/<step>/<rung>/<k>/<deadline>" (core.ladder)
    review: str
    step: str
    deadline_due: date | None
    recipient: str = ""
    status: str = "pending"
    party: str | None = None  # the party addressed (None: secretariat, presidency)


@dataclass(frozen=True, slots=True)
class Cancellation:
    notice: PendingNotice
    why: str


@dataclass
class DecisionPlan:
    decision: Decision
    as_of: date
    events: list[Event]  # to record (not yet stored)
    recorded: int  # events of this decision already stored (a second application)
    moves: list[DeadlineMove]
    kept: list[Kept] = field(default_factory=list)
    rule_changes: list[RuleChange] = field(default_factory=list)
    not_yet: list[str] = field(default_factory=list)  # effects not in force on as_of
    conflicts: list[str] = field(default_factory=list)
    cancellations: list[Cancellation] = field(default_factory=list)
    # selected reviews whose own process lacks the step an effect names (not concerned)
    skipped: list[str] = field(default_factory=list)

    @property
    def changes_nothing(self) -> bool:
        return not self.events and not self.cancellations


def event_id(ref: str, review: str, step: str, kind: str = "") -> str:
    return f"decision:{ref}:{review}:{step}" + (f":{kind}" if kind else "")


def plan_decision(
    decision: Decision,
    process: Definitions,
    snapshot: Snapshot,
    as_of: date,
    *,
    pending: Iterable[PendingNotice] = (),
    threshold_before: Callable[[int | None, date], float] | None = None,
) -> DecisionPlan:
    """What applying `decision` on `as_of` would do to the store's reviews. Changes nothing."""
    if decision.adopted_on > as_of:
        raise InputError(
            [
                Problem(
                    f"decision {decision.ref} is adopted on {decision.adopted_on.isoformat()}, "
                    f"after {as_of.isoformat()}",
                    hint="run it with --as-of on or after its adoption date",
                )
            ]
        )
    prefix = f"decision:{decision.ref}:"
    ours: dict[str, Event] = {
        e.id: e for e in snapshot.events if e.id is not None and e.id.startswith(prefix)
    }
    # Only the steps the effects name (with those they start after, and for a waiver those
    # that start after it) can change; fold just those.
    named = [getattr(e, "step", None) for e in decision.effects]
    waives = any(isinstance(e, WaiveStep) for e in decision.effects)
    process = only_steps(process, [s for s in named if s], descendants=waives)
    base = Folder(process, snapshot, leave_out=lambda e: e.id is not None and e.id in ours)
    reviews = [snapshot.reviews[r] for r in sorted(snapshot.reviews)]

    planning = _Planning(decision, base)
    plan, by_review, kept = planning.plan, planning.by_review, planning.kept
    rules: list[RuleChange] = []
    not_yet: list[str] = []
    skipped: list[str] = []

    for i, effect in enumerate(decision.effects):
        on = decision.effective_on(effect)
        if on > as_of:
            not_yet.append(f"effects[{i}] ({effect.kind}) takes effect on {on.isoformat()}")
            continue
        reach = _Reach(base, i, effect)
        chosen = _selected(reviews, getattr(effect, "reviews", None))
        if isinstance(effect, ExtendDeadline):
            _extend(planning, effect, on, reach.of(chosen, on))
        elif isinstance(effect, ChangeDuration):
            _change_duration(planning, effect, as_of, reach.of(chosen, as_of))
        elif isinstance(effect, WaiveStep):
            _waive(planning, effect, on, reach.of(chosen, on))
        skipped.extend(reach.lines())
        if isinstance(effect, SetThreshold):
            where = f"cluster {effect.cluster}" if effect.cluster else "every cluster"
            old = (
                f"{threshold_before(effect.cluster, on):g} %"
                if threshold_before is not None
                else "as defined"
            )
            rules.append(
                RuleChange(
                    f"share of group 1 complete before the next cluster ({where})",
                    old,
                    f"{effect.percent:g} %",
                    on,
                )
            )

    events = list(plan.values())
    new_events: list[Event] = []
    conflicts: list[str] = []
    for e in events:
        stored = ours.get(e.id or "")
        if stored is None:
            new_events.append(e)
        elif dict(stored.data) != dict(e.data) or stored.on != e.on:
            conflicts.append(
                f"{e.id} is recorded with {_describe(stored)}; today it would be {_describe(e)}; "
                "the recorded one stays"
            )

    # What moves is the difference between the store as it is and the store with the plan.
    # The store after applying keeps every event of this decision already stored (with its
    # date and place among that day's events) and adds the new ones.
    stored_now: dict[str, list[Event]] = {}
    for e in ours.values():
        if e.review is not None:
            stored_now.setdefault(e.review, []).append(e)
    for e in new_events:
        if e.review is not None:
            stored_now.setdefault(e.review, []).extend(
                x for x in by_review.get(e.review, ()) if x.id == e.id
            )
    current = Folder(process, snapshot, share_rolls_with=base)
    # A review gets new events or nothing changes for it: with nothing new, the store after
    # applying holds exactly the events it holds now.
    touched = sorted({e.review for e in new_events if e.review})
    moves: list[DeadlineMove] = []
    after_states: dict[str, ReviewState] = {}
    for rid in touched:
        review = snapshot.reviews[rid]
        before = current.state(review, as_of)
        after = base.state(
            review, as_of, sorted(stored_now.get(rid, ()), key=lambda e: (e.on, e.seq))
        )
        after_states[rid] = after
        for b, a in zip(before.steps, after.steps, strict=True):
            if b.status == a.status and b.deadline == a.deadline:
                continue
            if a.status == "waived" and b.status != "waived":
                moves.append(
                    DeadlineMove(
                        rid,
                        a.step,
                        b.deadline,
                        None,
                        _why(plan, decision.ref, rid, a.step, "waived"),
                    )
                )
            elif a.deadline is not None and b.deadline != a.deadline:
                moves.append(
                    DeadlineMove(
                        rid, a.step, b.deadline, a.deadline, _why(plan, decision.ref, rid, a.step)
                    )
                )

    def after_state(rid: str) -> ReviewState:
        found = after_states.get(rid)
        if found is None:
            review = snapshot.reviews[rid]
            events = sorted(stored_now.get(rid, ()), key=lambda e: (e.on, e.seq))
            found = after_states[rid] = base.state(review, as_of, events)
        return found

    affected = {
        (e.review, str(e.data.get("step")))
        for e in [*ours.values(), *new_events]
        if e.review is not None
    }
    cancellations = _cancellations(pending, moves, after_state, affected, decision)
    return DecisionPlan(
        decision=decision,
        as_of=as_of,
        events=new_events,
        recorded=len(ours),
        moves=moves,
        kept=kept,
        rule_changes=rules,
        not_yet=not_yet,
        conflicts=conflicts,
        cancellations=cancellations,
        skipped=skipped,
    )


class _Reach:
    """The reviews one effect reaches: those whose own process, on the date, has its step;
    the others are counted by process version, to be listed as not concerned."""

    def __init__(self, folder: Folder, index: int, effect: Any) -> None:
        self.folder, self.index, self.effect = folder, index, effect
        self._concerns: dict[int, bool] = {}  # by definition (its id): asked once each
        self.skipped: dict[str, int] = {}
        self._why: dict[str, str] = {}

    def of(self, reviews: Iterable[Review], on: date) -> list[Review]:
        out = []
        for review in reviews:
            definition = self.folder.definition(review, on)
            concerns = self._concerns.get(id(definition))
            if concerns is None:
                concerns = self._concerns[id(definition)] = effect_concerns(definition, self.effect)
            if concerns:
                out.append(review)
            else:
                ref = f"{definition.process}@{definition.version}"
                self.skipped[ref] = self.skipped.get(ref, 0) + 1
                if ref not in self._why:
                    step = self.effect.step
                    has = any(s.id == step for s in definition.steps)
                    self._why[ref] = (
                        f"its step {step!r} has no deadline a decision may move"
                        if has
                        else f"it has no step {step!r}"
                    )
        return out

    def lines(self) -> list[str]:
        return [
            f"effects[{self.index}] ({self.effect.kind}): {n} "
            f"review{'s' if n != 1 else ''} running {ref}, not concerned: {self._why[ref]}"
            for ref, n in sorted(self.skipped.items())
        ]


def _selected(reviews: Sequence[Review], selector: Any) -> Iterable[Review]:
    return reviews if selector is None else (r for r in reviews if selector.selects(r))


@dataclass
class _Planning:
    """The events a decision's effects add, as they are planned one after the other: each
    effect sees the reviews with what the effects before it added."""

    decision: Decision
    base: Folder  # the store without this decision's own events
    plan: dict[str, Event] = field(default_factory=dict)  # by id: a later effect wins
    by_review: dict[str, list[Event]] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)

    def add(self, e: Event) -> None:
        assert e.id is not None and e.review is not None
        self.plan[e.id] = e
        lst = self.by_review.setdefault(e.review, [])
        lst[:] = [x for x in lst if x.id != e.id]
        lst.extend(planned([e]))

    def state(self, review: Review, on: date) -> ReviewState:
        return self.base.state(review, on, self.by_review.get(review.id, ()))


def _extend(
    planning: _Planning, effect: ExtendDeadline, on: date, reviews: Sequence[Review]
) -> None:
    decision, kept = planning.decision, planning.kept
    by = Duration.parse(effect.by) if effect.by else None
    how = f"by {effect.by}" if by else f"to {effect.to.isoformat() if effect.to else ''}"
    basis = (
        f"extended {how} by decision {decision.ref} ({decision.label()}): "
        f"{effect.reviews.describe()}, still at this step on {on.isoformat()}"
    )
    for review in _selected(reviews, effect.reviews):
        if review.starts_on > on:
            continue
        step = planning.state(review, on).step(effect.step)
        if step.status != "open" or step.deadline is None:
            continue
        due = by.after(step.deadline.due) if by else effect.to
        assert due is not None
        if due <= step.deadline.due:
            # An extension never brings a deadline forward.
            kept.append(
                Kept(
                    review.id,
                    effect.step,
                    step.deadline.due,
                    f"already due on or after {due.isoformat()}: an extension never shortens",
                )
            )
            continue
        planning.add(_extension(decision, review.id, effect.step, on, due, basis))


def _change_duration(
    planning: _Planning, effect: ChangeDuration, as_of: date, reviews: Sequence[Review]
) -> None:
    decision, kept = planning.decision, planning.kept
    clock = Duration.parse(effect.duration)
    start = effect.from_
    basis = (
        f"{effect.step} clock changed to {effect.duration} from {start.isoformat()} "
        f"by decision {decision.ref} ({decision.label()})"
    )
    for review in _selected(reviews, effect.reviews):
        if review.starts_on > as_of:
            continue
        step = planning.state(review, as_of).step(effect.step)
        if step.started_on is None or step.deadline is None:
            continue  # not started yet: picked up when the decision is applied again
        if step.completed_on is not None and step.completed_on < start:
            continue  # finished under the old rule
        if step.deadline.source != "rule":
            kept.append(
                Kept(
                    review.id,
                    effect.step,
                    step.deadline.due,
                    f"deadline {step.deadline.source}"
                    + (f" ({step.deadline.basis})" if step.deadline.basis else "")
                    + ": the decision changes the rule, not what was agreed",
                )
            )
            continue
        new_due = clock.after(step.started_on)
        if new_due == step.deadline.due:
            continue
        if new_due < step.deadline.due and step.started_on < start:
            kept.append(
                Kept(
                    review.id,
                    effect.step,
                    step.deadline.due,
                    f"already running on {start.isoformat()}: a shorter clock is not applied "
                    "retroactively",
                )
            )
            continue
        on = max(start, step.started_on)
        planning.add(_extension(decision, review.id, effect.step, on, new_due, basis))


def _waive(planning: _Planning, effect: WaiveStep, on: date, reviews: Sequence[Review]) -> None:
    decision = planning.decision
    basis = f"waived by decision {decision.ref} ({decision.label()}): {effect.reviews.describe()}"
    for review in _selected(reviews, effect.reviews):
        if planning.state(review, on).step(effect.step).status in ("completed", "waived"):
            continue
        planning.add(
            Event(
                on,
                "step_waived",
                review=review.id,
                data={"step": effect.step, "basis": basis, "decision": decision.ref},
                id=event_id(decision.ref, review.id, effect.step, "waived"),
                note=f"decision {decision.ref}",
            )
        )


def _extension(
    decision: Decision, review: str, step: str, on: date, due: date, basis: str
) -> Event:
    return Event(
        on,
        "deadline_extended",
        review=review,
        data={"step": step, "due": due, "basis": basis, "decision": decision.ref},
        id=event_id(decision.ref, review, step),
        note=f"decision {decision.ref}",
    )


def _why(plan: Mapping[str, Event], ref: str, review: str, step: str, kind: str = "") -> str:
    e = plan.get(event_id(ref, review, step, kind))
    if e is not None:
        return str(e.data.get("basis"))
    return "follows from the decision (a step before it moved or was waived)"


def _describe(e: Event) -> str:
    if e.type == "deadline_extended":
        return f"due {e.data['due']} on {e.on.isoformat()}"
    return f"{e.type} on {e.on.isoformat()}"


def _cancellations(
    pending: Iterable[PendingNotice],
    moves: Sequence[DeadlineMove],
    after: Callable[[str], ReviewState],
    affected: set[tuple[str, str]],
    decision: Decision,
) -> list[Cancellation]:
    """Notices not yet sent about a step this decision touches whose deadline is no longer
    the step's deadline (or whose step is waived). Steps it touched in an earlier, interrupted
    application count too, so running it again finishes the job."""
    moved = {(m.review, m.step): m for m in moves}
    out: list[Cancellation] = []
    for notice in pending:
        if (notice.review, notice.step) not in affected:
            continue
        state = after(notice.review).step(notice.step)
        if state.status == "waived":
            why = f"step {notice.step} waived by decision {decision.ref}"
        elif state.status != "open" or state.deadline is None:
            continue  # completed or not started: the sweep knows what to do
        elif notice.deadline_due != state.deadline.due:
            move = moved.get((notice.review, notice.step))
            old = move.old_due if move else notice.deadline_due
            why = f"deadline moved from {old} to {state.deadline.due} by decision {decision.ref}"
        else:
            continue
        out.append(Cancellation(notice, why))
    return out
