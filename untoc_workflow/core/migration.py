"""Moving running reviews to another version of their process, from a date.

A migration is a dated `process_migrated` event: before its date a review folds with the
version it recorded, from that date with the new one (Temporal's `patched`: the change is
explicit and a replay of the past is untouched). `plan_migration` says, before anything is
recorded, which deadlines would move, as a Conference decision's dry run does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .derive import MIGRATED, fold_mechanism, index_events, resolve_definition, review_state
from .model import Event, Snapshot
from .shape import Folded, ProcessShape
from .state import Deadline


@dataclass(frozen=True, slots=True)
class MovedDeadline:
    review: str
    step: str
    before: Deadline | None
    after: Deadline | None


@dataclass(frozen=True, slots=True)
class MigrationPlan:
    """One review's migration: from which version, its step mapping, and what moves."""

    review: str
    process: str
    from_version: int
    to_version: int
    steps: Mapping[str, str | None]
    moved: tuple[MovedDeadline, ...]


def step_mapping(
    old: ProcessShape, new: ProcessShape, renamed: Mapping[str, str] | None = None
) -> dict[str, str | None]:
    """Each step of the old version -> its step in the new one: the same id, a renamed one,
    or None when the new version has no such step."""
    renamed = renamed or {}
    ids = {s.id for s in new.steps}
    out: dict[str, str | None] = {}
    for s in old.steps:
        target = renamed.get(s.id, s.id)
        out[s.id] = target if target in ids else None
    return out


def migration_event(
    review: str, process: str, version: int, on: date, steps: Mapping[str, str | None], basis: str
) -> Event:
    return Event(
        on=on,
        type=MIGRATED,
        review=review,
        data={"process": process, "version": version, "steps": dict(steps), "basis": basis},
    )


def plan_migration(
    definitions: Folded,
    snapshot: Snapshot,
    target: ProcessShape,
    on: date,
    reviews: Sequence[str] | None = None,
    renamed: Mapping[str, str] | None = None,
    basis: str = "",
) -> list[MigrationPlan]:
    """The reviews of the target's process still running on `on` (all, or those named) that
    run another version that day, each with the deadlines that would move on that date."""
    fold = fold_mechanism(definitions, snapshot, on, notifications=False)
    by_review, _ = index_events(snapshot.events, on)
    plans = []
    for review_id in sorted(reviews if reviews is not None else snapshot.reviews):
        review = snapshot.reviews[review_id]
        if review.process != target.process:
            continue
        events = by_review.get(review_id, [])
        migrations = [e for e in events if e.type == MIGRATED]
        current, _ = resolve_definition(definitions, review, migrations, on)
        before = fold.states[review_id]
        if current.version == target.version or before.stage == current.stages[-1]:
            continue  # already there, or complete: nothing runs on to migrate
        steps = step_mapping(current, target, renamed)
        moved_event = migration_event(review_id, target.process, target.version, on, steps, basis)
        after = review_state(
            definitions,
            review,
            [*events, moved_event],
            fold.roll,
            on,
            fold.party_events,
            notifications=False,
            migrations=[*migrations, moved_event],
        )
        moved = []
        for old_id, new_id in steps.items():
            was = before.step(old_id).deadline
            now = after.step(new_id).deadline if new_id is not None else None
            if was != now:
                moved.append(MovedDeadline(review_id, new_id or old_id, was, now))
        for new_step in target.steps:  # a step the new version adds
            if new_step.id not in steps.values():
                now = after.step(new_step.id).deadline
                if now is not None:
                    moved.append(MovedDeadline(review_id, new_step.id, None, now))
        plans.append(
            MigrationPlan(
                review_id, target.process, current.version, target.version, steps, tuple(moved)
            )
        )
    return plans
