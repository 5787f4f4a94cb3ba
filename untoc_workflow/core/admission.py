"""Which facts can be true: the one rule `untoc record`, `untoc import` and the flows ask
before a fact enters the event log.

A fact is refused only when it cannot be true: the review is not at a step the fact can
complete, it predates what it depends on, it is later than the date of the command, or it
repeats one already recorded. Whatever the contract allows in any order stays valid (a SAQ
before the preliminary consultation, one reviewer's feedback before another's, an
extension agreed before the step is late, focal points named in any order).

What a fact completes and what it depends on come from the process definition (each step's
`completed_by` and `starts`), never from a list of event names here, so a definition that
declares other facts and steps is checked the same way. Pure: no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .derive import MIGRATED, resolve_definition, review_state
from .focal_points import FocalPointRoll, focal_points_on
from .model import Event, Review
from .rules import ENGINE_FACTS, RuleFacts, condition_rule
from .shape import Folded, ProcessShape
from .state import ReviewState

_NOMINATED = "focal_point_nominated"
_WITHDRAWN = "focal_point_withdrawn"
# A party's facts whose order matters (the focal-point roll).
ORDERED_PARTY_FACTS = (_NOMINATED, _WITHDRAWN)
# Facts whose place in a history does not matter, so only their date is checked: the Party
# facts a process declares beside the focal points (experts named: counts add up;
# `date_only_facts`). An import checks these without reading the log back. A deadline
# extended is not one of them: it must lengthen the deadline in force on its day, so it is
# measured against the review's fold on that day (`review_refusals`).
DATE_ONLY_FACTS: tuple[str, ...] = ()
_EXTENDED = "deadline_extended"
# The Party's facts of the engine (focal points); a process declares its own (scope party).
_ENGINE_PARTY_FACTS = frozenset(k for k, scope in ENGINE_FACTS.items() if scope == "party")


def date_only_facts(definitions: Iterable[ProcessShape]) -> tuple[str, ...]:
    """DATE_ONLY_FACTS and every Party fact the definitions declare (none has an order)."""
    declared = {
        name
        for d in definitions
        for name, fact in getattr(d, "facts", {}).items()
        if fact.scope == "party" and name not in _ENGINE_PARTY_FACTS
    }
    return (*DATE_ONLY_FACTS, *sorted(declared))


_EACH_REVIEWER = "each_reviewer"


@dataclass(frozen=True, slots=True)
class CommandDate:
    """The date of the command a fact arrives by: a fact dated after it has not happened.

    `name` says which date it is in a refusal: "today", or "--as-of" for an import of
    history checked against a past date.
    """

    day: date
    name: str = "today"


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a fact cannot be true, for a person to act on; `field` is the fact's field the
    reason points at ("on", "party", "email", "replaces", "person.email", "step", "by"), or
    "" for the fact as a whole."""

    fact: Event
    reason: str
    field: str = ""


# -- what the definition says ---------------------------------------------------------


class _Rules:
    """A definition read once for admission: which step each fact completes, what each
    step waits for, and which steps come (transitively) after each one."""

    def __init__(self, definition: ProcessShape) -> None:
        self.definition = definition
        self.steps: dict[str, Any] = {s.id: s for s in definition.steps}
        # facts the process puts after others (the visit after both submissions)
        self.fact_after: dict[str, tuple[str, ...]] = {
            name: tuple(fact.after)
            for name, fact in (getattr(definition, "facts", {}) or {}).items()
            if getattr(fact, "after", ())
        }
        # a Party's facts are checked with the Party's log, not the review's
        self.party_facts = _ENGINE_PARTY_FACTS | {
            name
            for name, fact in (getattr(definition, "facts", {}) or {}).items()
            if fact.scope == "party"
        }
        self.completes: dict[str, Any] = {}
        # the conditions that complete steps, with the parameters the definition gives
        self.conditions = {
            s.id: condition_rule(s.completed_by.condition)
            for s in definition.steps
            if s.completed_by.condition is not None
        }
        for s in definition.steps:
            kind = s.completed_by.event
            if kind is not None:
                self.completes.setdefault(str(kind), s)
        after: dict[str, list[str]] = {}
        for s in definition.steps:
            for before in s.starts.afters:
                after.setdefault(before, []).append(s.id)
        self.later: dict[str, tuple[str, ...]] = {}
        for step_id in self.steps:
            found: list[str] = []
            pending = list(after.get(step_id, ()))
            while pending:
                nxt = pending.pop(0)
                if nxt not in found and nxt != step_id:
                    found.append(nxt)
                    pending.extend(after.get(nxt, ()))
            self.later[step_id] = tuple(found)
        # Facts of one day may come in any file order: within a day, a fact completing an
        # earlier step of the definition goes first (the fold works by day anyway).
        depth: dict[str, int] = {}
        for step_id in self.steps:
            depth[step_id] = self._depth(step_id, set())
        self.rank = {kind: depth[s.id] for kind, s in self.completes.items()}

    def _depth(self, step_id: str, seen: set[str]) -> int:
        afters = [a for a in self.steps[step_id].starts.afters if a in self.steps]
        if not afters or step_id in seen:
            return 0
        seen.add(step_id)
        return 1 + max(self._depth(a, set(seen)) for a in afters)

    def label(self, step_id: str) -> str:
        step = self.steps.get(step_id)
        if step is None:
            return step_id
        title = getattr(step, "title", None) or {}
        return f"{step_id} ({title['en']})" if "en" in title else step_id


_rules: dict[int, _Rules] = {}


def _rules_for(definition: ProcessShape) -> _Rules:
    found = _rules.get(id(definition))
    if found is None or found.definition is not definition:
        found = _rules[id(definition)] = _Rules(definition)
    return found


# -- the rule, one fact at a time -----------------------------------------------------


def admit(
    definition: Folded,  # a catalog (each review folds with its own version) or one definition
    review: Review | None,
    known: Iterable[Event],
    fact: Event,
    today: CommandDate,
) -> Refusal | None:
    """None when `fact` can be true given `known` (the review's events and its parties'
    focal-point and expert facts, as recorded), else why not.

    `review` is the review the fact is recorded for; a party's fact (a focal point, experts)
    may be given one too, and must then belong to one of its parties.
    """
    known = [e for e in known if e is not fact]
    if review is not None and fact.review is None and fact.party is not None:
        parties = _parties_of(review, [e for e in known if e.review == review.id], fact.on)
        if fact.party not in parties:
            return Refusal(
                fact,
                f"{fact.party} is not a party to review {review.id} (reviewed "
                f"{review.reviewed}, reviewers {', '.join(parties[1:])})",
                "party",
            )
    # The fact goes after everything known of its day: it is the newest arrival.
    last_seq = max((e.seq for e in known), default=0)
    placed = Event(
        fact.on, fact.type, last_seq + 1, fact.review, fact.party, fact.data, fact.id, fact.note
    )

    def is_new(e: Event) -> bool:
        return e is placed

    if fact.review is None:
        if fact.party is None:
            return None
        mine = [e for e in known if e.review is None and e.party == fact.party]
        found = party_refusals([*mine, placed], is_new, today)
    else:
        if review is None or review.id != fact.review:
            return None  # an unknown review is the parser's to report
        party_events = [e for e in known if e.review is None]
        roll = focal_points_on(party_events, date.max)
        mine = [e for e in known if e.review == review.id]
        found = review_refusals(definition, review, [*mine, placed], is_new, roll, today)
    if not found:
        return None
    return Refusal(fact, found[0].reason, found[0].field)


def extension_refusal(state: ReviewState, fact: Event) -> Refusal | None:
    """A `deadline_extended` gives more time, never less: refused when the step it names was
    already completed (or waived) on the fact's date, or when its new date is not after the
    step's deadline on that date (`state`, the review folded on `fact.on` without the fact).
    A step not started yet may be given its date in advance (agreed before it is late)."""
    step_id = str(fact.data.get("step"))
    try:
        step = state.step(step_id)
    except KeyError:
        return None  # an unknown step is the mechanism file's check to report
    if step.status in ("completed", "waived", "skipped"):
        when = f" on {step.completed_on}" if step.completed_on else ""
        return Refusal(
            fact,
            f"step {step_id} of review {state.review} is no longer open on {fact.on} "
            f"({step.status}{when}): there is no deadline to extend",
            "step",
        )
    due = fact.data.get("due")
    current = step.deadline
    if current is not None and isinstance(due, date) and due <= current.due:
        return Refusal(
            fact,
            f"the new date {due} is not after the deadline of step {step_id} of review "
            f"{state.review} on {fact.on} ({current.due}, {current.source}): an extension "
            "cannot shorten a deadline",
            "due",
        )
    return None


# -- the rule over a log: every new fact of one review or one party -------------------


def review_refusals(
    definition: Folded,
    review: Review,
    events: Sequence[Event],
    is_new: Callable[[Event], bool],
    roll: FocalPointRoll,
    today: CommandDate,
) -> list[Refusal]:
    """Every new fact of `review` that cannot be true, given all its others.

    `events` are the review's facts, recorded and new (`is_new`), in any order; `roll` holds
    the focal points of its parties (on a date no earlier than any fact). Recorded facts are
    taken as true; a refused new fact is left out of what later facts are checked against.
    """
    rules = _rules_for(_definition_of(definition, review, events, is_new))
    ledger = _ReviewLedger(rules, review, roll)
    ordered = sorted(events, key=lambda e: (e.on, rules.rank.get(e.type, -1), e.seq))
    for e in ordered:
        if not is_new(e):
            ledger.note_recorded(e)
    out: list[Refusal] = []
    admitted: list[Event] = []
    for e in ordered:
        new = is_new(e)
        if new:
            why = future_refusal(e, today) or ledger.refusal(e)
            if why is not None:
                out.append(why)
                continue
        ledger.apply(e)
        admitted.append(e)
    out.extend(_extension_refusals(definition, review, admitted, is_new, roll))
    return out


def _extension_refusals(
    definition: Folded,
    review: Review,
    admitted: Sequence[Event],
    is_new: Callable[[Event], bool],
    roll: FocalPointRoll,
) -> list[Refusal]:
    """Every new `deadline_extended` of the review that gives no more time
    (`extension_refusal`), each measured against the deadline in force just before it: the
    review folded on its day with the extensions admitted before it (recorded, or earlier
    in the file), by date then arrival. One fold per new extension; none for a review that
    receives none."""
    if not any(e.type == _EXTENDED and is_new(e) for e in admitted):
        return []
    by_arrival = sorted(admitted, key=lambda e: (e.on, e.seq))
    others = [e for e in by_arrival if e.type != _EXTENDED]
    migrations = [e for e in others if e.type == MIGRATED]
    in_force: dict[str, Event] = {}  # step -> the latest extension admitted so far
    out: list[Refusal] = []
    for e in by_arrival:
        if e.type != _EXTENDED:
            continue
        if is_new(e):
            state = review_state(
                definition,
                review,
                others,
                roll,
                e.on,
                notifications=False,
                extensions=in_force,
                migrations=migrations,
            )
            why = extension_refusal(state, e)
            if why is not None:
                out.append(why)
                continue
        in_force[str(e.data.get("step"))] = e
    return out


def _definition_of(
    definitions: Folded, review: Review, events: Sequence[Event], is_new: Callable[[Event], bool]
) -> ProcessShape:
    """The review's own (process, version), never another process's: the one it records,
    or the one a migration dated on or before its newest new fact moved it to.

    `definitions` is a catalog of every loaded version, or one definition (then it is the
    review's: the caller chose it)."""
    migrations = sorted((e for e in events if e.type == MIGRATED), key=lambda e: (e.on, e.seq))
    newest = max((e.on for e in events if is_new(e)), default=date.max)
    found, _ = resolve_definition(definitions, review, migrations, newest)
    return found


def party_refusals(
    events: Sequence[Event], is_new: Callable[[Event], bool], today: CommandDate
) -> list[Refusal]:
    """Every new fact of one party (focal points named or withdrawn, experts) that cannot
    be true, given all its others; `events` in any order, applied by date then arrival as
    the focal-point roll applies them."""
    ordered = sorted(events, key=lambda e: (e.on, e.seq))
    nominations: dict[str, list[date]] = {}
    for e in ordered:
        if e.type == _NOMINATED:
            nominations.setdefault(_email(e.data.get("person")), []).append(e.on)
    current: dict[str, date] = {}  # email -> nominated on
    ended: dict[str, date] = {}  # email -> stopped being a focal point on
    out: list[Refusal] = []
    for e in ordered:
        if is_new(e):
            why = future_refusal(e, today) or _focal_point_refusal(e, current, ended, nominations)
            if why is not None:
                out.append(why)
                continue
        if e.type == _NOMINATED:
            replaced = e.data.get("replaces")
            if replaced and replaced in current:
                del current[replaced]
                ended[replaced] = e.on
            current[_email(e.data.get("person"))] = e.on
        elif e.type == _WITHDRAWN:
            email = str(e.data.get("email", ""))
            if current.pop(email, None) is not None:
                ended[email] = e.on
    return out


def future_refusal(e: Event, today: CommandDate) -> Refusal | None:
    """Refused when dated after the date of the command: it has not happened yet."""
    if e.on <= today.day:
        return None
    if today.name == "today":
        return Refusal(e, f"{e.type} dated {e.on} is in the future (today is {today.day})", "on")
    return Refusal(
        e,
        f"{e.type} dated {e.on} is after the date of this import ({today.name} {today.day})",
        "on",
    )


def _focal_point_refusal(
    e: Event,
    current: Mapping[str, date],
    ended: Mapping[str, date],
    nominations: Mapping[str, list[date]],
) -> Refusal | None:
    party = e.party
    if e.type == _NOMINATED:
        replaced = e.data.get("replaces")
        email = _email(e.data.get("person"))
        if replaced and replaced not in current:
            why = _not_focal_point(str(replaced), party, e.on, ended, nominations)
            return Refusal(e, f"{e.type} dated {e.on} replaces {replaced}, but {why}", "replaces")
        if email in current and email != replaced:
            return Refusal(
                e,
                f"{email} is already a focal point of {party} (nominated on {current[email]}); "
                "this nomination repeats that one",
                "person.email",
            )
    elif e.type == _WITHDRAWN:
        email = str(e.data.get("email", ""))
        if email not in current:
            why = _not_focal_point(email, party, e.on, ended, nominations)
            return Refusal(e, f"{e.type} dated {e.on}: {why}", "email")
    return None


def _not_focal_point(
    email: str,
    party: str | None,
    on: date,
    ended: Mapping[str, date],
    nominations: Mapping[str, list[date]],
) -> str:
    if email in ended:
        return f"{email} stopped being a focal point of {party} on {ended[email]}"
    later = [d for d in nominations.get(email, ()) if d > on]
    if later:
        return f"{email} was nominated as a focal point of {party} only on {later[0]}"
    return f"{email} is not a focal point of {party} on {on}"


def _email(person: Any) -> str:
    if isinstance(person, Mapping):
        return str(person.get("email", ""))
    return str(getattr(person, "email", ""))


def _parties_of(review: Review, events: Iterable[Event], on: date) -> list[str]:
    """The reviewed party and the reviewers of `review` on `on`, redraws applied."""
    reviewers = [r.party for r in review.reviewers]
    for e in sorted(events, key=lambda e: (e.on, e.seq)):
        if e.on > on:
            break
        if e.type == "reviewer_replaced" and e.party in reviewers and e.data.get("by"):
            reviewers[reviewers.index(e.party)] = str(e.data["by"])
    return [review.reviewed, *reviewers]


@dataclass
class _ReviewLedger:
    """What a review's admitted facts say so far, walked in date order."""

    rules: _Rules
    review: Review
    roll: FocalPointRoll
    reviewers: list[str] = field(default_factory=list)
    done: dict[str, date] = field(default_factory=dict)  # step -> completed on (by facts)
    waived: dict[str, date] = field(default_factory=dict)
    feedback_by: dict[str, date] = field(default_factory=dict)
    joint_on: date | None = None
    # Recorded facts at any date: a new fact that repeats one of them is refused even
    # when it is dated earlier than the recorded one.
    recorded: dict[tuple[str, str | None], date] = field(default_factory=dict)
    recorded_steps: dict[str, date] = field(default_factory=dict)
    # the first date of each kind of fact walked so far, and recorded at any date
    seen: dict[str, date] = field(default_factory=dict)
    recorded_facts: dict[str, date] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.reviewers = [r.party for r in self.review.reviewers]

    def note_recorded(self, e: Event) -> None:
        self.recorded_facts.setdefault(e.type, e.on)
        step = self.rules.completes.get(e.type)
        if step is None or e.type in self.rules.party_facts:
            if e.type == "step_waived":
                self.recorded.setdefault((e.type, str(e.data.get("step"))), e.on)
            return
        if step.completed_by.from_ == _EACH_REVIEWER:
            self.recorded.setdefault((e.type, e.party), e.on)
        else:
            self.recorded.setdefault((e.type, None), e.on)
            self.recorded_steps.setdefault(step.id, e.on)

    # -- checks ----------------------------------------------------------------------

    def refusal(self, e: Event) -> Refusal | None:
        kind = e.type
        if kind in self.rules.party_facts:
            return None  # a party's facts are checked with the party's log
        step = self.rules.completes.get(kind)
        ordered = self._out_of_order(e)
        if ordered is not None:
            return ordered
        if step is not None:
            return self._repeat(e, step) or self._not_started(e, step) or self._too_late(e, step)
        if kind == "reviewer_replaced":
            return self._redraw(e)
        if kind == "step_waived":
            return self._step_named(e)
        return None

    def _repeat(self, e: Event, step: Any) -> Refusal | None:
        review = self.review.id
        if step.completed_by.from_ != _EACH_REVIEWER:
            before = self._earlier((e.type, None), self.done.get(step.id))
            if before is not None:
                return Refusal(e, f"{e.type} for review {review} was already recorded on {before}")
            return None
        party = e.party
        if party is not None:
            if party not in self.reviewers:
                return Refusal(
                    e,
                    f"{party} is not a reviewer of {review} on {e.on} "
                    f"(reviewers: {', '.join(self.reviewers)})",
                    "party",
                )
            before = self._earlier((e.type, party), self.feedback_by.get(party))
            if before is not None:
                return Refusal(
                    e, f"{party} already sent its written feedback for {review} on {before}"
                )
        else:
            before = self._earlier((e.type, None), self.joint_on)
            if before is not None:
                return Refusal(
                    e, f"the joint written feedback for {review} was already recorded on {before}"
                )
        complete = self.done.get(step.id)
        if complete is not None:
            return Refusal(
                e,
                f"the {self.rules.label(step.id)} step of {review} was already complete on "
                f"{complete}",
            )
        return None

    def _out_of_order(self, e: Event) -> Refusal | None:
        """A fact the process declares `after` others comes on or after each of them."""
        for before in self.rules.fact_after.get(e.type, ()):
            seen = self.seen.get(before)
            if seen is not None and seen <= e.on:
                continue
            when = seen or self.recorded_facts.get(before)
            said = f"; it was recorded only on {when}" if when else "; it is not recorded"
            return Refusal(
                e,
                f"{e.type} dated {e.on} comes before {before} of review {self.review.id}, "
                f"which the process puts first{said}",
                "on",
            )
        return None

    def _earlier(self, key: tuple[str, str | None], walked: date | None) -> date | None:
        """When a fact like this one was admitted before it in the walk, or recorded at
        any date."""
        if walked is not None:
            return walked
        return self.recorded.get(key)

    def _not_started(self, e: Event, step: Any) -> Refusal | None:
        """The step the fact completes must have started by the fact's date."""
        review = self.review
        if e.on < review.starts_on:
            return Refusal(
                e,
                f"{e.type} dated {e.on} is before step {step.id} started "
                f"(review {review.id} starts on {review.starts_on})",
                "on",
            )
        for before in step.starts.afters:
            if before not in self.rules.steps or self._completed_on(before, e.on) is not None:
                continue
            later = self._completed_on(before, date.max) or self.recorded_steps.get(before)
            after = f"; it was completed only on {later}" if later else ""
            return Refusal(
                e,
                f"review {review.id} is not at step {step.id} on {e.on}, so {e.type} cannot "
                f"be recorded: step {self.rules.label(before)} was not complete by then{after}",
                "on",
            )
        return None

    def _completed_on(self, step_id: str, on: date) -> date | None:
        """When `step_id` was completed or waived, if on or before `on`."""
        for found in (self.done.get(step_id), self.waived.get(step_id)):
            if found is not None and found <= on:
                return found
        condition = self.rules.conditions.get(step_id)
        if condition is not None:
            reviewed, reviewers = self.review.reviewed, self.reviewers
            parties = [reviewed, *reviewers]
            without = tuple(p for p in dict.fromkeys(parties) if not self.roll.has(p))
            named = condition.completed_on(
                RuleFacts(reviewed, reviewers, parties, without, self.roll)
            )
            if named is not None and named <= on:
                return named
        return None

    def _too_late(self, e: Event, step: Any) -> Refusal | None:
        """A step that comes after this one was already completed: this fact is too late."""
        for later in self.rules.later.get(step.id, ()):
            found = self.done.get(later)
            if found is not None:
                return Refusal(
                    e,
                    f"{e.type} dated {e.on} comes after step {self.rules.label(later)} of "
                    f"review {self.review.id} was completed ({found}), which needs step "
                    f"{step.id} first",
                    "on",
                )
        return None

    def _redraw(self, e: Event) -> Refusal | None:
        leaving, joining = e.party, e.data.get("by")
        review = self.review.id
        if leaving not in self.reviewers:
            return Refusal(
                e,
                f"{leaving} is not a reviewer of {review} on {e.on} "
                f"(reviewers: {', '.join(self.reviewers)})",
                "party",
            )
        if joining in self.reviewers or joining == self.review.reviewed:
            return Refusal(e, f"{joining} already takes part in review {review}", "by")
        return None

    def _step_named(self, e: Event) -> Refusal | None:
        step = str(e.data.get("step"))
        if step not in self.rules.steps:
            return Refusal(
                e,
                f"the process has no step {step!r} (steps: {', '.join(self.rules.steps)})",
                "step",
            )
        if e.type == "step_waived":
            before = self.waived.get(step) or self.recorded.get((e.type, step))
            if before is not None:
                return Refusal(
                    e, f"step {step} of review {self.review.id} was already waived on {before}"
                )
        return None

    # -- the walk --------------------------------------------------------------------

    def apply(self, e: Event) -> None:
        kind = e.type
        self.seen.setdefault(kind, e.on)
        if kind == "reviewer_replaced":
            leaving, joining = e.party, e.data.get("by")
            if leaving in self.reviewers and joining:
                self.reviewers[self.reviewers.index(leaving)] = str(joining)
            self._feedback_complete(e.on)
            return
        if kind == "step_waived":
            self.waived.setdefault(str(e.data.get("step")), e.on)
            return
        step = self.rules.completes.get(kind)
        if step is None or kind in self.rules.party_facts:
            return
        if step.completed_by.from_ == _EACH_REVIEWER:
            if e.party is None:
                self.joint_on = self.joint_on or e.on
            else:
                self.feedback_by.setdefault(e.party, e.on)
            self._feedback_complete(e.on)
        else:
            self.done.setdefault(step.id, e.on)

    def _feedback_complete(self, on: date) -> None:
        for step in self.rules.steps.values():
            if step.completed_by.from_ != _EACH_REVIEWER or step.id in self.done:
                continue
            if self.joint_on is not None or (
                self.feedback_by and all(r in self.feedback_by for r in self.reviewers)
            ):
                self.done[step.id] = on
