"""Redraws: a Party asks for a new reviewer; the replacement is drawn by the same rules.

A State may ask up to `drawing.redraw_limit` times per cluster (para 6: four). The result
is a `reviewer_replaced` event (leaving party, joining party, who asked, on which day);
deadlines and recipients follow the current reviewers from that day (the core folds it).
The seed and the lot are recorded beside the event so the redraw can be repeated.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date

from ..core.model import Event, Review, Snapshot
from ..errors import InputError, Problem
from .definition import MechanismDefinition
from .draw import FURTHER, OTHER, OWN, Lot
from .parties import is_party_on, with_regional_groups


@dataclass(frozen=True)
class Redraw:
    event: Event
    lot: Lot
    seed: int
    requests_used: int  # this one included
    limit: int

    def record(self) -> dict[str, object]:
        return {
            "event": self.event.id,
            "review": self.event.review,
            "leaving": self.event.party,
            "joining": self.event.data["by"],
            "requested_by": self.event.data["requested_by"],
            "on": self.event.on.isoformat(),
            "request": f"{self.requests_used} of {self.limit}",
            "lot": self.lot.as_dict(),
        }


def current_reviewers(review: Review, events: list[Event], on: date) -> list[str]:
    """The review's reviewers on `on`, after the redraws recorded up to that day."""
    current = [a.party for a in review.reviewers]
    for e in events:
        if e.on > on:
            break
        if e.type == "reviewer_replaced" and e.review == review.id and e.party in current:
            current[current.index(e.party)] = e.data["by"]
    return current


def redraws_requested(snapshot: Snapshot, party: str, cluster: int) -> int:
    """How many redraws `party` has asked for in the cluster."""
    return sum(
        1
        for e in snapshot.events
        if e.type == "reviewer_replaced"
        and e.data.get("requested_by") == party
        and e.review is not None
        and e.review in snapshot.reviews
        and snapshot.reviews[e.review].cluster == cluster
    )


def workload(snapshot: Snapshot, cluster: int, on: date) -> Counter[str]:
    """Reviews each Party reviews in the cluster on `on` (after redraws)."""
    by_review: dict[str, list[Event]] = {}
    for e in snapshot.events:
        if e.type == "reviewer_replaced" and e.review:
            by_review.setdefault(e.review, []).append(e)
    load: Counter[str] = Counter()
    for review in snapshot.reviews.values():
        if review.cluster == cluster:
            load.update(current_reviewers(review, by_review.get(review.id, []), on))
    return load


def redraw(
    snapshot: Snapshot,
    definition: MechanismDefinition,
    *,
    review_id: str,
    leaving: str,
    requested_by: str,
    on: date,
    seed: int,
) -> Redraw:
    """Draw a replacement for `leaving` in `review_id`; raise InputError if the rules forbid it."""
    review = snapshot.reviews.get(review_id)
    if review is None:
        raise InputError([Problem(f"unknown review {review_id!r}", path="review")])
    parties = with_regional_groups(snapshot.parties.values(), definition)
    if requested_by not in parties:
        raise InputError([Problem(f"unknown party {requested_by!r}", path="requested_by")])
    events = [e for e in snapshot.events if e.review == review_id]
    current = current_reviewers(review, events, on)
    if leaving not in current:
        raise InputError(
            [
                Problem(
                    f"{leaving} is not a reviewer of {review_id} on {on.isoformat()}; "
                    f"its reviewers are {', '.join(current)}",
                    path="party",
                )
            ]
        )
    limit = definition.draw_rules.redraw_limit
    used = redraws_requested(snapshot, requested_by, review.cluster)
    if used >= limit:
        raise InputError(
            [
                Problem(
                    f"{requested_by} has already asked for {used} redraws in cluster "
                    f"{review.cluster}; the limit is {limit} per State",
                    path="requested_by",
                    hint="rule redraw_limit (mechanism.yaml drawing.redraw_limit)",
                )
            ]
        )

    position = current.index(leaving)
    assignment = review.reviewers[position]
    me = parties[review.reviewed]
    if position == 0:
        slot = OWN
    elif position == 1:
        slot = OTHER
    else:
        slot = f"{FURTHER}:{','.join(assignment.instruments)}"
    # Nobody who has left this review comes back, and nobody reviews itself.
    former = {a.party for a in review.reviewers} | {
        e.party for e in events if e.type == "reviewer_replaced" and e.party
    }
    excluded = set(current) | former | {review.reviewed}
    pool = []
    for code in sorted(parties):
        p = parties[code]
        if code in excluded or not is_party_on(p, on, definition):
            continue
        if slot == OWN and p.regional_group != me.regional_group:
            continue
        if slot == OTHER and (p.regional_group in (None, me.regional_group)):
            continue
        # The new reviewer takes over what the leaving one reviewed, so it must be party to it.
        if not all(p.is_party_to(i, on) for i in assignment.instruments):
            continue
        pool.append(code)
    if not pool:
        raise InputError(
            [
                Problem(
                    f"no party can replace {leaving} in {review_id}: none left that meets the "
                    f"{slot.split(':')[0]} rule and is party to "
                    f"{', '.join(assignment.instruments)}",
                    path=f"parties[{review.reviewed}]",
                    hint=f"rule {slot.split(':')[0]}",
                )
            ]
        )
    load = workload(snapshot, review.cluster, on)
    lot = pool
    if definition.draw_rules.even_workload:
        least = min(load[c] for c in pool)
        lot = [c for c in pool if load[c] == least]
    # Seeded by the request as well as the seed, so two redraws on one seed still differ.
    rng = random.Random(f"{seed}:{review_id}:{leaving}:{on.isoformat()}")
    drawn = rng.choice(lot)
    event = Event(
        on,
        "reviewer_replaced",
        review=review_id,
        party=leaving,
        data={"by": drawn, "requested_by": requested_by},
        id=f"redraw:{review_id}:{leaving}:{on.isoformat()}",
        note=(
            f"redraw {used + 1} of {limit} asked by {requested_by}; {slot}; seed {seed}; "
            f"rules {definition.rules_version}"
        ),
    )
    return Redraw(
        event, Lot(review_id, slot, tuple(pool), tuple(lot), drawn), seed, used + 1, limit
    )
