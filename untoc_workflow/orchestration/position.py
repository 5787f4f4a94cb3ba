"""Where a review stands, for its flow run: the human step it waits for, from the event log.

A run rebuilds this on every (re-)execution, so Prefect's replay-from-the-top on resume
only recomputes what the log already says. The suspend key is derived from the position:
a new fact in the log gives a new key, a refused fact bumps `attempt`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from ..core import focal_points_on, index_events, review_state
from ..core.derive import MIGRATED, resolve_definition
from ..core.model import Snapshot
from ..core.rules import ENGINE_FACTS, condition_rule
from ..core.state import ReviewState, StepState
from ..errors import InputError, Problem, did_you_mean
from .vocabulary import FOCAL_POINT_NOMINATED

if TYPE_CHECKING:
    from ..definitions.catalog import Definitions
    from ..definitions.process import ProcessDefinition, Step


@dataclass(frozen=True)
class Position:
    """A review's place in its process, as the log says on `as_of`."""

    review: str
    as_of: date
    complete: bool
    step: str | None  # the step the run waits at (None when complete)
    fact: str | None  # the event type that step accepts
    state: ReviewState
    fingerprint: str  # changes whenever a fact bearing on this review is recorded
    # the definition the review folds with: the (process, version) it records, or the one a
    # migration moved it to; its steps, facts and titles are the ones its run shows
    definition: ProcessDefinition = field(compare=False, repr=False)

    @property
    def step_state(self) -> StepState | None:
        return self.state.step(self.step) if self.step else None

    def key(self, attempt: int = 0) -> str:
        """The suspend key: step, deadline, log fingerprint, attempt (lowercase, digits, -)."""
        return suspend_key(self, attempt)


def suspend_key(position: Position, attempt: int = 0) -> str:
    step = (position.step or "done").replace("_", "-")
    s = position.step_state
    due = s.deadline.due.strftime("%Y%m%d") if s is not None and s.deadline else "open"
    return f"{step}--{due}--{position.fingerprint}--{attempt}"


def step_from_key(key: str | None) -> str | None:
    """The step id a suspend key names (None for keys this module did not make)."""
    if not key or "--" not in key:
        return None
    return key.split("--", 1)[0].replace("-", "_")


def step_fact(step: Step, definition: Definitions) -> str | None:
    """The fact a run waits for at `step` of `definition`: the fact that completes it
    (whoever records it, the secretariat too), focal points for the engine's condition;
    None for a Party's other facts (experts named), which the sweep follows."""
    rule = step.completed_by
    if rule.condition:
        # the engine fact that moves the condition on (focal points named)
        return condition_rule(rule.condition).moved_by
    declared = getattr(definition, "facts", {}).get(rule.event)
    scope = declared.scope if declared is not None else ENGINE_FACTS.get(rule.event or "")
    if scope == "party" and rule.event != FOCAL_POINT_NOMINATED:
        return None
    return str(rule.event)


def recordable_fact(step: Step) -> str | None:
    """The fact that completes `step`, whoever records it: its event, or the engine fact
    that moves its condition on (focal points named)."""
    rule = step.completed_by
    if rule.condition:
        moved_by = condition_rule(rule.condition).moved_by
        return str(moved_by) if moved_by else None
    return str(rule.event) if rule.event else None


def review_position(
    definition: Definitions, snapshot: Snapshot, review_id: str, today: date
) -> Position:
    """The step review `review_id` waits for in its own definition (`definition` is one, or
    a catalog of every loaded version): the first open step (definition order) whose fact
    belongs to the review; else the first not yet started one that no fact must start."""
    review = snapshot.reviews.get(review_id)
    if review is None:
        raise InputError(
            [Problem(f"no review {review_id!r}", hint=did_you_mean(review_id, snapshot.reviews))]
        )
    parties = {review.reviewed, *(r.party for r in review.reviewers)}
    relevant = [
        e
        for e in snapshot.events
        if e.review == review_id or (e.review is None and e.party in parties)
    ]
    # The latest fact may be dated ahead of the machine's clock (imports, tests): the
    # position is "everything recorded", so fold up to whichever is later.
    as_of = max([today, *(e.on for e in relevant)])
    by_review, by_party = index_events(snapshot.events, as_of)
    roll = focal_points_on((e for p in by_party.values() for e in p), as_of)
    own_events = by_review.get(review_id, ())
    state = review_state(definition, review, own_events, roll, as_of, by_party)
    migrations = [e for e in own_events if e.type == MIGRATED]
    own, _ = resolve_definition(definition, review, migrations, as_of)
    # Redraws add parties: their focal points count too.
    for p in state.reviewers:
        if p not in parties:
            relevant.extend(e for e in snapshot.events if e.review is None and e.party == p)
    digest = hashlib.sha256()
    for e in sorted(relevant, key=lambda e: (e.on, e.seq, e.id or "")):
        digest.update(f"{e.id}|{e.type}|{e.on}|".encode())
    fingerprint = digest.hexdigest()[:10]

    complete = state.stage == own.stages[-1]
    chosen: tuple[str, str] | None = None
    if not complete:
        candidates = [(s, step_fact(s, own)) for s in own.steps]
        for wanted in ("open", "not_started"):
            for s, f in candidates:
                if f is None or state.step(s.id).status != wanted:
                    continue
                if wanted == "not_started" and s.starts.fact:
                    continue  # waits for the fact that starts it, which nobody owes
                chosen = (s.id, f)
                break
            if chosen:
                break
    return Position(
        review=review_id,
        as_of=as_of,
        complete=complete or chosen is None,
        step=chosen[0] if chosen else None,
        fact=chosen[1] if chosen else None,
        state=state,
        fingerprint=fingerprint,
        definition=own,
    )


def waited_facts(definition: Definitions) -> dict[str, frozenset[str]]:
    """Step id -> the facts a run waiting there takes, over every loaded definition (two
    processes may use one step id for different facts)."""
    from .vocabulary import definitions_of

    out: dict[str, set[str]] = {}
    for d in definitions_of(definition):
        for s in d.steps:
            kind = step_fact(s, d)
            if kind is not None:
                out.setdefault(s.id, set()).add(kind)
    return {k: frozenset(v) for k, v in out.items()}


def run_step_facts(position: Position, step: str, waited: dict[str, frozenset[str]]) -> list[str]:
    """The facts that answer a run suspended at `step`: the step's fact in the review's own
    definition (`position.definition`: process, version, migrations); for a step a migration
    dropped, whichever fact that step id takes in any loaded definition (`waited_facts`)."""
    own = position.definition
    if step in own.step_ids:
        kind = step_fact(own.step(step), own)
        return [kind] if kind else []
    return sorted(waited.get(step, ()))
