"""What one review's run reads from the store: its review, its events, its Parties' facts.

A run (a new process on every start and resume) needs one review's position, not the whole
Mechanism: reading the whole log to find it costs seconds of CPU at a million events. This
reads the review's row, its events (index `ix_event_review_on`) and the Party-wide facts
of its Parties (focal points, experts: index `ix_event_party_type`), and hands
`review_position` a snapshot holding only those, which it folds exactly as the whole one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.model import Event, Snapshot
from ..core.rules import ENGINE_FACTS

if TYPE_CHECKING:
    from ..definitions.catalog import Definitions
    from ..store.store import Store

_COLUMNS = 'SELECT "on", type, seq, review_id, party, data, id, note FROM event'


def party_fact_types(definitions: Definitions) -> frozenset[str]:
    """The Party-wide facts a review's fold may read: the engine's (its focal points) and
    every fact a loaded process declares with `scope: party` (UNTOC's experts)."""
    from ..definitions.catalog import definitions_of

    names = {name for name, scope in ENGINE_FACTS.items() if scope == "party"}
    for definition in definitions_of(definitions):
        names.update(name for name, fact in definition.facts.items() if fact.scope == "party")
    return frozenset(names)


def review_snapshot(
    store: Store, review_id: str, definitions: Definitions | None = None
) -> Snapshot:
    """A snapshot with review `review_id`, the Parties, and only the events that bear on the
    review; an empty one when the store has no such review. `definitions`: the loaded
    processes, whose declared Party-wide facts are read (by default the settings')."""
    if definitions is None:
        from ..definitions import load_definitions

        definitions = load_definitions()
    from ..store.dialect import query_rows  # imported here: `untoc record` stays light

    with store.engine.connect() as conn, conn.begin():
        reviews = store._reviews(conn, [review_id])
        review = reviews.get(review_id)
        if review is None:
            return Snapshot(parties=store._parties(conn), reviews={}, events=())
        own: list[Event] = store._read_rows(
            query_rows(conn, f"{_COLUMNS} WHERE review_id = ?", (review_id,))
        )
        # A redraw brings a new reviewer in: its focal point counts too.
        parties = {review.reviewed, *(r.party for r in review.reviewers)}
        parties |= {str(e.data["by"]) for e in own if e.type == "reviewer_replaced"}
        marks = ", ".join("?" * len(parties))
        kinds = sorted(party_fact_types(definitions))  # names from YAML: bound, not quoted
        # No "review_id IS NULL" in SQL: SQLite would then walk the review index over
        # every Party-wide fact of the log (a second at a million events), not the
        # (party, type) index over these Parties' own.
        theirs: list[Event] = [
            e
            for e in store._read_rows(
                query_rows(
                    conn,
                    f"{_COLUMNS} WHERE party IN ({marks})"
                    f" AND type IN ({', '.join('?' * len(kinds))})",
                    (*sorted(parties), *kinds),
                )
            )
            if e.review is None
        ]
        everyone = store._parties(conn)
    events = tuple(sorted([*own, *theirs], key=lambda e: (e.on, e.seq)))
    return Snapshot(parties=everyone, reviews=reviews, events=events)
