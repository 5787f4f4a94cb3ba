"""After an import: move the waiting runs of the reviews the imported facts bear on.

`untoc import` appends facts in bulk, and a Party's focal point concerns every review of
the Party. The runs those facts concern are found from the log itself: the events past the
mark taken before the import (the log is append-only and writes hold its writer lock, so
they are exactly the ones it added), the reviews they name and every review of a Party one
of them belongs to. Each such run still suspended is resumed once, with the logged fact of
its step, when that step is done or the import brought a fact of its kind (one Party of
several named its focal point): replayed, the run rebuilds its position from the log and
suspends at the step the log says, its form and message up to date.

Cost, whatever the size of the import: one query for the reviews touched; one listing of
the suspended runs (a page per 200 runs); for each of them of a touched review, its own
events (`review_snapshot`, indexed) and at most one resume call. `untoc flows sync`, which
folds the whole log, is for when nothing says which reviews changed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, text

from .position import review_position, run_step_facts, waited_facts
from .reading import review_snapshot

if TYPE_CHECKING:
    from ..core.model import Event, Snapshot
    from ..definitions.catalog import Definitions
    from ..store.store import Store


def log_mark(store: Store) -> int:
    """The last position in the event log now: what an import appends comes after it."""
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT COALESCE(MAX(seq), 0) FROM event")).scalar_one())


def reviews_touched(store: Store, after: int) -> set[str]:
    """The reviews the events appended after `after` bear on: those they name, and every
    review (as reviewed or reviewing State party) of a Party a Party-wide fact is about."""
    named = text(
        "SELECT DISTINCT review_id FROM event WHERE seq > :after AND review_id IS NOT NULL"
    )
    party_wide = text(
        "SELECT DISTINCT party FROM event WHERE seq > :after"
        " AND review_id IS NULL AND party IS NOT NULL"
    )
    of_parties = text(
        "SELECT id FROM review WHERE reviewed IN :parties"
        " UNION SELECT review_id FROM review_reviewer WHERE party IN :parties"
    ).bindparams(bindparam("parties", expanding=True))
    with store.engine.connect() as conn:
        reviews = {r for (r,) in conn.execute(named, {"after": after})}
        parties = sorted(p for (p,) in conn.execute(party_wide, {"after": after}))
        if parties:  # at most the Mechanism's Parties: one list fits a query
            reviews |= {r for (r,) in conn.execute(of_parties, {"parties": parties})}
    return reviews


def _step_event(snapshot: Snapshot, review_id: str, kind: str) -> Event | None:
    """The last recorded fact of type `kind` for the review (or, Party-wide, for one of its
    Parties): the one a run waiting at that step would have received. Last recorded, not
    last dated: an import may bring a focal point dated before one already known."""
    review = snapshot.reviews[review_id]
    parties = {review.reviewed, *(r.party for r in review.reviewers)}
    # one review's events and its Parties' facts only (a redraw's new reviewer's too)
    parties |= {str(e.data["by"]) for e in snapshot.events if e.type == "reviewer_replaced"}
    found = [
        e
        for e in snapshot.events
        if e.type == kind and (e.review == review_id or (e.review is None and e.party in parties))
    ]
    return max(found, key=lambda e: e.seq) if found else None


async def aresume_touched_runs(
    definition: Definitions, store: Store, reviews: Collection[str], after: int, today: date
) -> list[str]:
    """Resume the suspended runs of `reviews` the facts logged after `after` move (see the
    module's text); returns the ids of the runs resumed."""
    from ..mechanism_file import event_to_dict
    from .runs import aresume_with_fact, awaiting_runs, form_input

    if not reviews:
        return []
    facts = waited_facts(definition)
    resumed = []
    for run in await awaiting_runs():
        if run.review not in reviews or run.step is None or run.step not in facts:
            continue
        snapshot = review_snapshot(store, run.review)
        if run.review not in snapshot.reviews:
            continue
        now = review_position(definition, snapshot, run.review, today)
        kinds = run_step_facts(now, run.step, facts)
        found = (_step_event(snapshot, run.review, k) for k in kinds)
        event = next((e for e in found if e is not None), None)
        if event is None:
            continue
        done = now.complete or now.step != run.step
        if not done and event.seq <= after:
            continue  # the import brought nothing its step waits for
        try:
            await aresume_with_fact(run.id, form_input(event_to_dict(event), now.definition))
        except RuntimeError:
            continue  # its form refuses the logged fact: `untoc flows sync` says the same
        resumed.append(str(run.id))
    return resumed


def resume_touched_runs(
    definition: Definitions, store: Store, reviews: Collection[str], after: int, today: date
) -> list[str]:
    """`aresume_touched_runs`, after checking that the Prefect API answers (ServerUnreachable
    in one line if not)."""
    from .runs import _run, ping_server

    if not reviews:
        return []
    ping_server()
    return _run(aresume_touched_runs(definition, store, reviews, after, today))
