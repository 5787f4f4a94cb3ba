"""Review states for the mechanism's rules: the core's fold, over a chosen set of events.

Decisions and redraws ask "what would the state be with these events added, or without the
ones this decision already wrote?"; this module answers by folding the core over the
snapshot's events with those changes, for the reviews asked about only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from ..core import ReviewState, focal_points_on, index_events, review_state
from ..core.derive import MIGRATED, resolve_definition
from ..core.focal_points import FocalPointRoll
from ..core.model import Event, Review, Snapshot
from ..definitions.catalog import Definitions, ProcessCatalog
from ..definitions.process import ProcessDefinition

# Events added by a plan sort after every stored event of the same day.
_PLANNED_SEQ = 1 << 60


def planned(events: Sequence[Event]) -> list[Event]:
    """Give planned events a seq after anything stored, keeping their order."""
    return [
        Event(e.on, e.type, _PLANNED_SEQ + i, e.review, e.party, e.data, e.id, e.note)
        for i, e in enumerate(events)
    ]


def only_steps(
    process: Definitions, wanted: Iterable[str], *, descendants: bool = False
) -> Definitions:
    """The definition cut down to the steps `wanted` need: each with the steps it starts
    after (and, with `descendants`, the steps that start after it), without ladders.

    Deciding which deadlines move needs no notifications and no unrelated steps; folding
    only what matters keeps a decision over ten thousand reviews fast. The core's rules
    (precedence, clocks, completion) are untouched: the same fold, fewer steps.

    A catalog gives a catalog of every version cut the same way, so each review still folds
    with its own version (one without any of the steps keeps none).
    """
    wanted = list(wanted)
    if isinstance(process, ProcessCatalog):
        return ProcessCatalog(
            {key: _only_steps(d, wanted, descendants) for key, d in process.definitions.items()},
            default=process.default_process,
        )
    return _only_steps(process, wanted, descendants)


def _only_steps(
    process: ProcessDefinition, wanted: list[str], descendants: bool
) -> ProcessDefinition:
    by_id = {s.id: s for s in process.steps}
    keep: set[str] = set()
    pending = [by_id[s] for s in wanted if s in by_id]
    while pending:
        current = pending.pop()
        if current.id in keep:
            continue
        keep.add(current.id)
        pending.extend(by_id[a] for a in current.starts.afters if a in by_id)
    if descendants:
        grew = True
        while grew:
            grew = False
            for s in process.steps:
                if s.id not in keep and any(a in keep for a in s.starts.afters):
                    keep.add(s.id)
                    grew = True
    steps = tuple(s.model_copy(update={"ladder": ()}) for s in process.steps if s.id in keep)
    return process.model_copy(update={"steps": steps})


class Folder:
    """Folds review states on dates, with events left out or added, reusing its indexes."""

    def __init__(
        self,
        process: Definitions,
        snapshot: Snapshot,
        *,
        leave_out: Callable[[Event], bool] | None = None,
        share_rolls_with: Folder | None = None,
    ) -> None:
        self.process = process
        self.snapshot = snapshot
        events = [e for e in snapshot.events if not (leave_out and leave_out(e))]
        self.by_review, self.by_party = index_events(events)
        # Focal points are party facts, never left out or added here: two folders over one
        # snapshot can share them.
        self._rolls: dict[date, FocalPointRoll] = (
            share_rolls_with._rolls if share_rolls_with else {}
        )
        self._migrations: dict[str, list[Event]] | None = None  # by review, on first use

    def _roll(self, as_of: date) -> FocalPointRoll:
        roll = self._rolls.get(as_of)
        if roll is None:
            roll = focal_points_on((e for p in self.by_party.values() for e in p), as_of)
            self._rolls[as_of] = roll
        return roll

    def definition(self, review: Review, on: date) -> ProcessDefinition:
        """The process definition `review` folds with on `on` (its own version, or the one
        a migration moved it to by then)."""
        if not isinstance(self.process, ProcessCatalog):
            return self.process  # one definition folds every review
        if self._migrations is None:
            self._migrations = {}
            for e in self.snapshot.events:
                if e.type == MIGRATED and e.review is not None:
                    self._migrations.setdefault(e.review, []).append(e)
        migrations = self._migrations.get(review.id, ())
        return resolve_definition(self.process, review, migrations, on)[0]

    def state(self, review: Review, as_of: date, added: Sequence[Event] = ()) -> ReviewState:
        events: Sequence[Event] = self.by_review.get(review.id, ())
        if added:
            events = sorted([*events, *added], key=lambda e: (e.on, e.seq))
        return review_state(self.process, review, events, self._roll(as_of), as_of, self.by_party)

    def states(
        self, reviews: Iterable[Review], as_of: date, added: dict[str, list[Event]] | None = None
    ) -> dict[str, ReviewState]:
        added = added or {}
        return {r.id: self.state(r, as_of, added.get(r.id, ())) for r in reviews}
