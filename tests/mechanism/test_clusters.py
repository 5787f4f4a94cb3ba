"""Clusters: the 70 % rule from the event log, starting the next cluster creates its
reviews, and Parties that join late get a review scheduled by the rule."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import check_review, dump, mechanism, party, process, small_document  # noqa: E402

from untoc_workflow.errors import InputError  # noqa: E402
from untoc_workflow.mechanism import records, service  # noqa: E402
from untoc_workflow.mechanism_file import document_from_core  # noqa: E402
from untoc_workflow.yamlsource import Located  # noqa: E402

PROCESS = process()
MECHANISM = mechanism()


@pytest.fixture
def loaded(store: Any) -> tuple[Any, list[str]]:
    store.import_document(Located(small_document(), "<test>", {}))
    group1 = sorted(r for r in store.snapshot().reviews if "-G1-" in r)
    return store, group1


def agree(store: Any, review: str, on: str) -> None:
    doc = {
        "format": "untoc-mechanism/1",
        "events": [{"on": on, "type": "observations_agreed", "review": review}],
    }
    store.import_document(Located(doc, "<test>", {}))


def test_the_share_of_group_one_complete_is_counted_from_the_event_log(loaded: Any) -> None:
    store, group1 = loaded
    agree(store, group1[0], "2022-03-01")
    agree(store, group1[1], "2022-06-01")
    (s,) = service.clusters(store, PROCESS, MECHANISM, date(2022, 4, 1))
    assert (s.cluster, s.reviews, s.complete, s.threshold.percent) == (1, 4, 1, 70)
    assert not s.rule_met and s.needed == 2
    (s,) = service.clusters(store, PROCESS, MECHANISM, date(2022, 7, 1))
    assert s.complete == 2 and s.percent == 50 and not s.rule_met
    assert s.next_cluster == 4 and not s.next_started  # international cooperation is next


def test_the_next_cluster_cannot_start_below_the_threshold(loaded: Any) -> None:
    store, group1 = loaded
    agree(store, group1[0], "2022-03-01")
    before = dump(store)
    with pytest.raises(InputError) as exc:
        service.start_cluster(
            store, PROCESS, MECHANISM, as_of=date(2022, 7, 1), starts=[date(2022, 9, 1)], seed=1
        )
    message = str(exc.value)
    assert "cluster 4 cannot start on 2022-07-01" in message
    assert "1 of 4 reviews of group 1 of cluster 1 are complete (25.0 %)" in message
    assert "70 % set by mechanism.yaml" in message
    assert dump(store) == before


def test_starting_the_next_cluster_creates_its_reviews(loaded: Any) -> None:
    store, group1 = loaded
    for i, review in enumerate(group1[:3]):
        agree(store, review, f"2022-0{i + 3}-01")
    (s,) = service.clusters(store, PROCESS, MECHANISM, date(2022, 7, 1))
    assert s.percent == 75 and s.rule_met
    result = service.start_cluster(
        store,
        PROCESS,
        MECHANISM,
        as_of=date(2022, 7, 1),
        starts=[date(2022, 9, 1), date(2023, 9, 1)],
        seed=4,
    )
    snap = store.snapshot()
    new = [r for r in snap.reviews.values() if r.cluster == 4]
    assert len(new) == len(snap.parties) == 20
    assert {r.starts_on for r in new} == {date(2022, 9, 1), date(2023, 9, 1)}
    for review in new:
        assert check_review(review, snap.parties) == []
    assert [d["id"] for d in records.draws(store, "cluster")] == ["cluster:4"]
    assert result.cluster == 4
    statuses = service.clusters(store, PROCESS, MECHANISM, date(2022, 9, 2))
    assert [(s.cluster, s.next_started) for s in statuses] == [(1, True), (4, False)]
    # Starting again is refused: cluster 4 is running, and its group 1 is not complete.
    with pytest.raises(InputError, match="cluster 2 cannot start"):
        service.start_cluster(
            store, PROCESS, MECHANISM, as_of=date(2022, 9, 2), starts=[date(2022, 10, 1)], seed=4
        )


def test_late_joiners_get_a_review_scheduled_by_the_rule(loaded: Any) -> None:
    store, _ = loaded
    joiners = [
        party("BTN", "Asia-Pacific", ["UNTOC", "TIP"], since=date(2023, 2, 20)),
        party("SSD", "African", ["UNTOC"], since=date(2023, 10, 20)),
    ]
    store.import_document(Located(document_from_core(joiners, [], []), "<joiners>", {}))

    plans, reviews = service.schedule_late_joiners(
        store, MECHANISM, cluster=1, as_of=date(2023, 6, 1), seed=1, dry_run=True
    )
    assert [(p.party, p.starts_on) for p in plans] == [("BTN", date(2023, 9, 1))]

    before = dump(store)
    plans, reviews = service.schedule_late_joiners(
        store, MECHANISM, cluster=1, as_of=date(2024, 1, 1), seed=1, dry_run=True
    )
    assert dump(store) == before
    plans, reviews = service.schedule_late_joiners(
        store, MECHANISM, cluster=1, as_of=date(2024, 1, 1), seed=1
    )
    assert [(p.party, p.starts_on, p.group) for p in plans] == [
        ("BTN", date(2023, 9, 1), 3),
        ("SSD", date(2024, 5, 1), 4),
    ]
    snap = store.snapshot()
    btn = snap.reviews["C1-G3-BTN"]
    assert btn.instruments == ("UNTOC", "TIP") and btn.starts_on == date(2023, 9, 1)
    assert check_review(btn, snap.parties) == []
    assert check_review(snap.reviews["C1-G4-SSD"], snap.parties) == []
    # Scheduling again finds nobody new.
    again, _ = service.schedule_late_joiners(
        store, MECHANISM, cluster=1, as_of=date(2024, 6, 1), seed=1
    )
    assert again == []
