"""The report's fold gives exactly the core's review states (it only answers faster, and
leaves out the due notifications a report does not send)."""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from untoc_workflow.core import Event, mechanism_states
from untoc_workflow.reports.fold import fold

ROOT = Path(__file__).resolve().parents[2]


def quiet(states):
    return {rid: replace(s, notifications=()) for rid, s in states.items()}


@pytest.mark.parametrize("on", ["2020-12-20", "2021-06-01", "2023-06-01", "2024-04-16"])
def test_the_fold_equals_the_core_on_the_sample(process, sample, on):
    day = date.fromisoformat(on)
    assert fold(process, sample, day).states == quiet(mechanism_states(process, sample, day))


def test_the_fold_equals_the_core_when_focal_points_are_lost_and_regained(process):
    sys.path.insert(0, str(ROOT))
    try:
        from bench.bench_report import snapshot_of
        from bench.generate import generate
    finally:
        sys.path.remove(str(ROOT))
    snap = snapshot_of(generate(300, 20_000, parties=40, seed=5))
    rng = random.Random(3)
    # some Parties lose every focal point for a while (all withdrawn), then name a new one
    extra: list[Event] = []
    seq = 10**7
    for i, party in enumerate(rng.sample(sorted(snap.parties), 15)):
        gone = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 700))
        for e in snap.events:
            if e.type == "focal_point_nominated" and e.party == party and e.on <= gone:
                seq += 1
                extra.append(
                    Event(
                        gone,
                        "focal_point_withdrawn",
                        seq,
                        None,
                        party,
                        {"email": e.data["person"]["email"]},
                    )
                )
        back = gone + timedelta(days=rng.randrange(1, 300))
        seq += 1
        person = {"name": "Back", "email": f"back{i}@example.org"}
        extra.append(
            Event(
                back,
                "focal_point_nominated",
                seq,
                None,
                party,
                {"person": person, "replaces": None},
            )
        )
    events = tuple(sorted([*snap.events, *extra], key=lambda e: (e.on, e.seq)))
    snap = replace(snap, events=events)
    for on in (date(2021, 6, 1), date(2022, 3, 1), date(2024, 4, 16)):
        assert fold(process, snap, on).states == quiet(mechanism_states(process, snap, on))
