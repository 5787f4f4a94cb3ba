"""Redraws: a new reviewer by the same rules, at most four per State, recorded as an event
(leaving, joining, who asked, when) that deadlines and recipients follow."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import dump, insert_notice, mechanism, process, small_document  # noqa: E402

from untoc_workflow.core import mechanism_states  # noqa: E402
from untoc_workflow.errors import InputError  # noqa: E402
from untoc_workflow.mechanism import records, service  # noqa: E402
from untoc_workflow.mechanism.redraw import redraw  # noqa: E402
from untoc_workflow.outbox.decisions import StoreNoticeOutbox  # noqa: E402
from untoc_workflow.yamlsource import Located  # noqa: E402

PROCESS = process()
MECHANISM = mechanism()
ON = date(2021, 2, 1)


@pytest.fixture
def loaded(store: Any) -> Any:
    store.import_document(Located(small_document(), "<test>", {}))
    return store


def first_review(store: Any) -> Any:
    snap = store.snapshot()
    return snap, snap.reviews[sorted(r for r in snap.reviews if "-G1-" in r)[0]]


def test_the_new_own_group_reviewer_meets_the_rules_and_is_recorded_as_an_event(
    loaded: Any,
) -> None:
    snap, review = first_review(loaded)
    leaving = review.reviewers[0].party
    result, _ = service.redraw_reviewer(
        loaded,
        MECHANISM,
        review=review.id,
        leaving=leaving,
        requested_by=review.reviewed,
        on=ON,
        seed=5,
        outbox=StoreNoticeOutbox(loaded),
    )
    joining = result.event.data["by"]
    parties = snap.parties
    assert parties[joining].regional_group == parties[review.reviewed].regional_group
    assert joining not in {review.reviewed, *(a.party for a in review.reviewers)}
    (event,) = [e for e in loaded.snapshot().events if e.type == "reviewer_replaced"]
    assert (event.review, event.party, event.on) == (review.id, leaving, ON)
    assert event.data == {"by": joining, "requested_by": review.reviewed}
    assert "redraw 1 of 4" in event.note and "seed 5" in event.note
    (drawn,) = records.draws(loaded, "redraw")
    assert drawn["seed"] == 5 and drawn["record"]["lot"]["drawn"] == joining
    assert joining in drawn["record"]["lot"]["pool"]


def test_deadlines_and_recipients_follow_the_current_reviewers(loaded: Any) -> None:
    snap, review = first_review(loaded)
    leaving = review.reviewers[1].party
    result, _ = service.redraw_reviewer(
        loaded,
        MECHANISM,
        review=review.id,
        leaving=leaving,
        requested_by=review.reviewed,
        on=ON,
        seed=9,
        outbox=StoreNoticeOutbox(loaded),
    )
    joining = result.event.data["by"]
    before = mechanism_states(PROCESS, loaded.snapshot(), date(2021, 1, 31))[review.id]
    after = mechanism_states(PROCESS, loaded.snapshot(), ON)[review.id]
    assert leaving in before.reviewers and joining not in before.reviewers
    assert leaving not in after.reviewers and joining in after.reviewers
    # The joining party has no focal point yet: the review is held up by it now.
    assert joining in after.parties_without_focal_point


def test_a_state_may_ask_four_times_and_no_more(loaded: Any) -> None:
    snap = loaded.snapshot()
    asker = "AAA"
    mine = sorted(r.id for r in snap.reviews.values() if r.reviewed == asker)
    assert mine
    rid = mine[0]
    for k in range(4):
        snap = loaded.snapshot()
        current = mechanism_states(PROCESS, snap, date(2021, 2, 1 + k))[rid].reviewers
        service.redraw_reviewer(
            loaded,
            MECHANISM,
            review=rid,
            leaving=current[1],
            requested_by=asker,
            on=date(2021, 2, 1 + k),
            seed=k,
            outbox=StoreNoticeOutbox(loaded),
        )
    before = dump(loaded)
    current = mechanism_states(PROCESS, loaded.snapshot(), date(2021, 3, 1))[rid].reviewers
    with pytest.raises(InputError) as exc:
        service.redraw_reviewer(
            loaded,
            MECHANISM,
            review=rid,
            leaving=current[1],
            requested_by=asker,
            on=date(2021, 3, 1),
            seed=99,
            outbox=StoreNoticeOutbox(loaded),
        )
    assert "AAA has already asked for 4 redraws in cluster 1; the limit is 4" in str(exc.value)
    assert "redraw_limit" in str(exc.value)
    assert dump(loaded) == before


def test_a_redraw_is_reproducible_and_refuses_a_party_that_is_not_a_reviewer(loaded: Any) -> None:
    snap, review = first_review(loaded)
    leaving = review.reviewers[0].party
    args = dict(review_id=review.id, leaving=leaving, requested_by=leaving, on=ON, seed=3)
    assert redraw(snap, MECHANISM, **args).event == redraw(snap, MECHANISM, **args).event
    with pytest.raises(InputError, match="is not a reviewer of"):
        redraw(snap, MECHANISM, **{**args, "leaving": review.reviewed})


def test_pending_notices_to_the_leaving_reviewer_are_cancelled_sent_ones_stay(loaded: Any) -> None:
    snap, review = first_review(loaded)
    leaving = review.reviewers[1].party
    pending = insert_notice(
        loaded,
        review=review.id,
        step="written_feedback",
        deadline_due=date(2021, 12, 1),
        status="pending",
        party=leaving,
    )
    sent = insert_notice(
        loaded,
        review=review.id,
        step="written_feedback",
        deadline_due=date(2021, 12, 1),
        status="sent",
        party=leaving,
        rung="reminder",
    )
    other = insert_notice(
        loaded,
        review=review.id,
        step="saq",
        deadline_due=date(2021, 6, 1),
        status="pending",
        party=review.reviewed,
    )
    service.redraw_reviewer(
        loaded,
        MECHANISM,
        review=review.id,
        leaving=leaving,
        requested_by=review.reviewed,
        on=ON,
        seed=1,
        outbox=StoreNoticeOutbox(loaded),
    )
    from sqlalchemy import text

    with loaded.engine.connect() as conn:
        status = dict(conn.execute(text("SELECT id, status FROM outbox")).all())
    assert status == {pending: "cancelled", sent: "sent", other: "pending"}
