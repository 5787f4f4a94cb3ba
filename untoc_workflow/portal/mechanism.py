"""The Mechanism as the portal reads it: who an address is, which reviews a Party takes
part in, and one review's state on the date.

The store's log is folded once per change: each request asks the database only whether
anything was appended (a count), so a page view costs one small query and the fold of the
one review shown; a fact recorded elsewhere (a focal point replaced) counts at once.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from ..core import ReviewState, focal_points_on, review_state
from .access import ReviewParties
from .identity import Identity, Registered, identify, normal
from .tables import PortalPersonRow

if TYPE_CHECKING:
    from ..definitions.catalog import Definitions
    from ..store.store import Store

_PEOPLE = PortalPersonRow.__table__  # type: ignore[attr-defined]
# Facts that change who a person is or which reviews a Party takes part in.
_WHO_AND_WHERE = frozenset({"focal_point_nominated", "focal_point_withdrawn", "reviewer_replaced"})


@dataclass
class _Fold:
    """What one version of the log says on one date (built once, read by many requests)."""

    stamp: tuple[Any, ...]
    as_of: date
    snapshot: Any
    roll: Any
    firsts: dict[str, list[Any]]
    focal_points: dict[str, list[tuple[str, Any]]]
    parties: dict[str, ReviewParties]
    by_party: dict[str, list[str]]
    states: dict[str, ReviewState] = field(default_factory=dict)


class MechanismView:
    """Read side of the portal over one store, on the date `today()` gives."""

    def __init__(
        self,
        store: Store,
        definition: Definitions,
        secretariat: frozenset[str],
        today: Callable[[], date],
    ):
        self.store = store
        self.definition = definition
        self.secretariat = secretariat
        self.today = today
        self._fold: _Fold | None = None
        self._lock = threading.Lock()
        self._pinned = threading.local()
        self._building = threading.Lock()

    # -- the fold, rebuilt when the log or the date changes ---------------------------

    def _stamp(self) -> tuple[Any, ...]:
        """What changes when anything is recorded. SQLite has one writer, so a new event
        always has a higher seq and MAX(seq) (the primary key's end) says it; PostgreSQL may
        commit a lower seq late, so there the count is read too, as the store does."""
        with self.store.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                sql = "SELECT (SELECT MAX(seq) FROM event), (SELECT MAX(rowid) FROM review)"
            else:
                sql = "SELECT (SELECT COUNT(*) FROM event), (SELECT MAX(seq) FROM event),"
                sql += " (SELECT COUNT(*) FROM review)"
            return tuple(conn.execute(text(sql)).one())

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Within the block (one request's work in one thread), the log is asked once
        whether it changed; every question after that reads the same fold."""
        if getattr(self._pinned, "fold", None) is not None:
            yield
            return
        self._pinned.fold = self.fold()
        try:
            yield
        finally:
            self._pinned.fold = None

    def fold(self) -> _Fold:
        pinned = getattr(self._pinned, "fold", None)
        if pinned is not None:
            return pinned  # type: ignore[no-any-return]
        stamp, as_of = self._stamp(), self.today()
        with self._lock:
            found = self._fold
        if found is not None and found.stamp == stamp and found.as_of == as_of:
            return found
        # One thread folds; requests arriving meanwhile wait for its result instead of
        # each folding the whole log again at the same time.
        with self._building:
            with self._lock:
                found = self._fold
            if found is not None and found.stamp == stamp and found.as_of == as_of:
                return found
            paused = gc.isenabled()
            gc.disable()  # as the core's fold: a million live objects, no cycles among them
            try:
                built = self._refresh(found, stamp, as_of) or self._build(stamp, as_of)
            finally:
                if paused:
                    gc.enable()
            with self._lock:
                self._fold = built
        return built

    def _refresh(self, old: _Fold | None, stamp: tuple[Any, ...], as_of: date) -> _Fold | None:
        """The previous fold brought up to date, when the log only gained facts about
        reviews (a submission, an extension): who is who and who takes part in which review
        stay as they were, and only the reviews' states are folded again. None when a
        Party's fact (a focal point, experts), a redraw or a new review arrived."""
        if old is None or old.as_of != as_of:
            return None
        snapshot = self.store.snapshot(as_of)
        if snapshot.reviews.keys() != old.snapshot.reviews.keys():
            return None
        before = old.snapshot.events
        if len(snapshot.events) < len(before) or (before and snapshot.events[0] is not before[0]):
            return None
        last = max((e.seq for e in before), default=0)
        new = [e for e in snapshot.events if e.seq > last]
        if len(new) != len(snapshot.events) - len(before):
            return None  # a fact committed late with a lower seq (PostgreSQL): start over
        if any(e.type in _WHO_AND_WHERE for e in new):
            return None
        return _Fold(
            stamp,
            as_of,
            snapshot,
            old.roll,
            old.firsts,
            old.focal_points,
            old.parties,
            old.by_party,
        )

    def _build(self, stamp: tuple[Any, ...], as_of: date) -> _Fold:
        snapshot = self.store.snapshot(as_of)
        index = snapshot.index
        by_party_events = {p: index.party_events(p, as_of) for p in index.parties}
        roll = focal_points_on(
            (e for events in by_party_events.values() for e in events), as_of, ordered=True
        )
        firsts: dict[str, list[Any]] = {}
        for party, events in by_party_events.items():
            first: dict[str, Any] = {}
            for e in events:
                first.setdefault(e.type, e)
            firsts[party] = sorted(first.values(), key=lambda e: (e.on, e.seq))
        focal: dict[str, list[tuple[str, Any]]] = {}
        for party, person in roll.all_persons():
            focal.setdefault(normal(person.email), []).append((party, person))
        reviewers = {rid: [a.party for a in r.reviewers] for rid, r in snapshot.reviews.items()}
        for e in snapshot.events:  # redraws: the reviewer who left, and who joined
            if e.type == "reviewer_replaced" and e.review in reviewers:
                current = reviewers[e.review]
                left, joined = e.party, e.data.get("by")
                reviewers[e.review] = [joined if p == left else p for p in current]
        parties = {
            rid: ReviewParties(rid, r.reviewed, tuple(dict.fromkeys(reviewers[rid])))
            for rid, r in snapshot.reviews.items()
        }
        by_party: dict[str, list[str]] = {}
        for rid, rp in sorted(parties.items()):
            for p in dict.fromkeys((rp.reviewed, *rp.reviewers)):
                by_party.setdefault(p, []).append(rid)
        return _Fold(stamp, as_of, snapshot, roll, firsts, focal, parties, by_party)

    # -- questions the pages ask ------------------------------------------------------

    def identify(self, email: str) -> Identity | None:
        """Who `email` is today, or None: checked on every request, not only at sign-in."""
        address = normal(email)
        if not address.isprintable():
            # no account holds a control character (the store refuses one in an address),
            # and PostgreSQL cannot even be asked about a NUL
            return None
        fold = self.fold()
        with self.store.engine.connect() as conn:
            rows = conn.execute(
                select(_PEOPLE.c.email, _PEOPLE.c.name, _PEOPLE.c.party, _PEOPLE.c.role).where(
                    _PEOPLE.c.email == address, _PEOPLE.c.removed_at.is_(None)
                )
            ).all()
        registered = [Registered(*row) for row in rows]
        return identify(
            address,
            secretariat=self.secretariat,
            focal_points=fold.focal_points,
            registered=registered,
        )

    def review_ids(self, who: Identity) -> list[str]:
        """The reviews `who` may see, by id (the access rule decides, on every candidate)."""
        from .access import may_view

        fold = self.fold()
        if who.is_secretariat:
            candidates = sorted(fold.parties)
        else:
            found: set[str] = set()
            for party in who.parties():
                found.update(fold.by_party.get(party, ()))
            candidates = sorted(found)
        return [rid for rid in candidates if may_view(who, fold.parties[rid])]

    def parties(self, review_id: str) -> ReviewParties | None:
        return self.fold().parties.get(review_id)

    def party_name(self, code: str) -> str:
        party = self.fold().snapshot.parties.get(code)
        return party.name if party is not None else code

    def state(self, review_id: str) -> ReviewState | None:
        """The review's state today (no notices walked: the portal sends none)."""
        fold = self.fold()
        found = fold.states.get(review_id)
        if found is not None:
            return found
        review = fold.snapshot.reviews.get(review_id)
        if review is None:
            return None
        events, extensions = fold.snapshot.index.review_events(review_id, fold.as_of)
        state = review_state(
            self.definition,
            review,
            events,
            fold.roll,
            fold.as_of,
            fold.firsts,
            notifications=False,
            extensions=extensions,
        )
        fold.states[review_id] = state
        return state

    def _steps(self) -> Iterator[Any]:
        """Every step of every loaded process (a catalog), the default process first."""
        from ..definitions.catalog import definitions_of

        for d in definitions_of(self.definition):
            yield from d.steps

    def step_title(self, step_id: str, language: str, review_id: str | None = None) -> str:
        """The step's title in `language`, from the review's own process when the review is
        named (two processes may give one step id two titles)."""
        own = self.definition_of(review_id) if review_id is not None else None
        for step in getattr(own, "steps", ()):
            if step.id == step_id:
                return str(step.label(language))
        for step in self._steps():
            if step.id == step_id:
                return str(step.label(language))
        return step_id

    def agreed_at(self, step_id: str, language: str, review_id: str | None) -> str | None:
        """Where an agreed deadline of the step was agreed, as the review's own process
        titles it (`wording.own_terms.agreed_at`, as the letters say it)."""
        from ..wording.own_terms import agreed_at

        own = self.definition_of(review_id) if review_id is not None else None
        return agreed_at(own, step_id, language)

    def completing_event(self, step_id: str) -> str | None:
        """The event type that completes a step, as the definition declares it."""
        for step in self._steps():
            if step.id == step_id:
                event = getattr(step.completed_by, "event", None)
                return str(event) if event else None
        return None

    def default_definition(self) -> Any:
        """The default process's definition: the one whose words the portal speaks; when the
        store holds the reviews of one other process alone (a body's folder added to the
        bundled ones), that process's: its sign-in page is no UNTOC page."""
        from ..definitions.catalog import definitions_of

        every = definitions_of(self.definition)
        present = {r.process for r in self.fold().snapshot.reviews.values()}
        if every[0].process in present or len(present) != 1:
            return every[0]
        return next((d for d in every if d.process in present), every[0])

    def definition_of(self, review_id: str) -> Any | None:
        """The process definition (and version) the review runs, or None for no review."""
        review = self.fold().snapshot.reviews.get(review_id)
        if review is None:
            return None
        for_review = getattr(self.definition, "for_review", None)
        return for_review(review) if for_review is not None else self.definition

    def document_kinds(self, review_id: str) -> dict[str, str]:
        """The document kinds the review's process declares, and who gives each (the first
        step that declares a kind says it), in the order the definition gives them."""
        definition = self.definition_of(review_id)
        kinds: dict[str, str] = {}
        for step in getattr(definition, "steps", ()):
            for kind, given_by in step.documents.items():
                kinds.setdefault(kind, given_by)
        return kinds
