"""Redraws on random request sequences: every replacement meets the rule of the slot it
fills, nobody reviews itself or comes back, and no State asks more than four times."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import mechanism, party  # noqa: E402

from untoc_workflow.core.model import Snapshot  # noqa: E402
from untoc_workflow.errors import InputError  # noqa: E402
from untoc_workflow.mechanism.draw import draw_cluster  # noqa: E402
from untoc_workflow.mechanism.redraw import current_reviewers, redraw  # noqa: E402

DEFINITION = mechanism()
START = date(2020, 12, 1)
GROUPS = ["African", "Asia-Pacific", "Eastern European", "GRULAC", "WEOG"]
PARTIES = [party(f"{chr(65 + k)}{i}X", g) for k, g in enumerate(GROUPS) for i in "ABCD"]
DRAW = draw_cluster(PARTIES, [START], DEFINITION, seed=1)
assert len({p.code for p in PARTIES}) == 20
BY_CODE = {p.code: p for p in PARTIES}


@settings(max_examples=60, deadline=None)
@given(
    requests=st.lists(
        st.tuples(st.integers(0, len(DRAW.reviews) - 1), st.integers(0, 1), st.integers(0, 9)),
        min_size=1,
        max_size=25,
    )
)
def test_every_redraw_meets_the_rules_and_the_limit(requests: list[tuple[int, int, int]]) -> None:
    events = []
    asked: dict[str, int] = {}
    reviews = {r.id: r for r in DRAW.reviews}
    assert requests
    for k, (index, slot, seed) in enumerate(requests):
        review = DRAW.reviews[index]
        on = START + timedelta(days=k + 1)
        snap = Snapshot(BY_CODE, reviews, tuple(events))
        mine = [e for e in events if e.review == review.id]
        current = current_reviewers(review, mine, on)
        leaving = current[slot]
        try:
            result = redraw(
                snap,
                DEFINITION,
                review_id=review.id,
                leaving=leaving,
                requested_by=review.reviewed,
                on=on,
                seed=seed,
            )
        except InputError as exc:
            text = str(exc)
            if asked.get(review.reviewed, 0) >= 4:
                assert "the limit is 4 per State" in text
            else:  # the pool ran dry: everyone eligible has left or is reviewing already
                assert "no party can replace" in text
            continue
        asked[review.reviewed] = asked.get(review.reviewed, 0) + 1
        assert asked[review.reviewed] <= 4
        joining = result.event.data["by"]
        me = BY_CODE[review.reviewed]
        if slot == 0:
            assert BY_CODE[joining].regional_group == me.regional_group
        else:
            assert BY_CODE[joining].regional_group != me.regional_group
        former = {a.party for a in review.reviewers} | {e.party for e in mine}
        assert joining != review.reviewed and joining not in former and joining not in current
        events.append(
            type(result.event)(
                result.event.on,
                result.event.type,
                len(events) + 1,
                result.event.review,
                result.event.party,
                result.event.data,
                result.event.id,
                result.event.note,
            )
        )
