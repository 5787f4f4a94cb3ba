"""What one review's run reads from the store: its review, its events, its Parties' facts.

A run (a new process on every start and resume) needs one review's position, not the whole
Mechanism: reading the whole log to find it costs seconds of CPU at a million events. This
reads the review's row, its events (index `ix_event_review_on`) and the Party-wide facts
of its Parties (focal points, experts: index `ix_event_party_type`), and hands
`review_position` a snapshot holding only those, which it folds exactly as the whole one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.derive import PARTY_EVENTS
from ..core.model import Event, Snapshot

if TYPE_CHECKING:
    from ..store.store import Store

_COLUMNS = 'SELECT "on", type, seq, review_id, party, data, id, note FROM event'


def review_snapshot(store: Store, review_id: str) -> Snapshot:
    """A snapshot with review `review_id`, the Parties, and only the events that bear on the
    review; an empty one when the store has no such review."""
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
        kinds = ", ".join(f"'{k}'" for k in sorted(PARTY_EVENTS))
        # No "review_id IS NULL" in SQL: SQLite would then walk the review index over
        # every Party-wide fact of the log (a second at a million events), not the
        # (party, type) index over these Parties' own.
        theirs: list[Event] = [
            e
            for e in store._read_rows(
                query_rows(
                    conn,
                    f"{_COLUMNS} WHERE party IN ({marks}) AND type IN ({kinds})",
                    tuple(sorted(parties)),
                )
            )
            if e.review is None
        ]
        everyone = store._parties(conn)
    events = tuple(sorted([*own, *theirs], key=lambda e: (e.on, e.seq)))
    return Snapshot(parties=everyone, reviews=reviews, events=events)
