"""Cluster 1 drawn for 189 Parties: the UN member States with their regional groups
(countrygroups), three non-member States and the European Union."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import G1, G2, G3, check_review, lots_follow_workload, mechanism, un_parties  # noqa: E402

from untoc_workflow.mechanism.draw import draw_cluster  # noqa: E402
from untoc_workflow.mechanism.parties import ambiguous_codes, regional_group_of  # noqa: E402

DEFINITION = mechanism()


def test_every_un_member_state_has_one_regional_group_tuerkiye_by_the_explicit_entry() -> None:
    assert ambiguous_codes(DEFINITION) == []
    assert regional_group_of("TUR", DEFINITION) == "WEOG"
    assert regional_group_of("EU", DEFINITION) == "WEOG"
    assert regional_group_of("PSE", DEFINITION) == "Asia-Pacific"
    assert regional_group_of("NGA", DEFINITION) == "African"
    assert regional_group_of("BRA", DEFINITION) == "GRULAC"
    assert regional_group_of("POL", DEFINITION) == "Eastern European"


def test_cluster_one_for_189_parties_in_three_groups_of_62_63_64() -> None:
    parties = un_parties(DEFINITION)
    assert len(parties) == 189
    assert all(p.regional_group for p in parties)
    result = draw_cluster(parties, [G1, G2, G3], DEFINITION, seed=2020)

    assert [len(g.reviewed) for g in result.groups] == [62, 63, 64]
    assert [g.starts_on for g in result.groups] == [G1, G2, G3]
    assert Counter(r.group for r in result.reviews) == {1: 62, 2: 63, 3: 64}
    assert sorted(r.reviewed for r in result.reviews) == sorted(p.code for p in parties)
    assert {r.id for r in result.reviews if r.reviewed == "NGA"} <= {
        "C1-G1-NGA",
        "C1-G2-NGA",
        "C1-G3-NGA",
    }

    # Each regional group is spread over the three groups (dealt, not clumped).
    by_region = Counter(p.regional_group for p in parties)
    for g in result.groups:
        counts = Counter(result.parties[c].regional_group for c in g.reviewed)
        for region, total in by_region.items():
            assert abs(counts[region] - total / 3) <= 1, (g.group, region)

    by_code = result.parties
    for review in result.reviews:
        assert check_review(review, by_code) == [], review.id
    # Workload as even as the draw allows: everyone reviews 2 or 3 times.
    load = result.workload()
    assert set(load) == {p.code for p in parties}
    assert max(load.values()) - min(load.values()) <= 1
    assert lots_follow_workload(result.lots)
    # Further reviewers appear exactly where the two drawn do not cover an instrument.
    assert sum(len(r.reviewers) - 2 for r in result.reviews) == sum(
        1 for lot in result.lots if lot.slot.startswith("instrument_coverage")
    )
    # Every Party involved per group, as the paper counts them (130/131/134 in reality).
    for g in result.groups:
        involved = set(g.reviewed) | {
            a.party for r in result.reviews if r.group == g.group for a in r.reviewers
        }
        assert len(g.reviewed) < len(involved) <= 189


def test_the_record_replays_to_the_same_draw() -> None:
    parties = un_parties(DEFINITION)
    first = draw_cluster(parties, [G1, G2, G3], DEFINITION, seed=11)
    record = first.record()
    assert record["seed"] == 11 and record["rules_version"] == "untoc_review_mechanism/1"
    assert len(record["lots"]) == len(first.lots)
    again = draw_cluster(parties, [G1, G2, G3], DEFINITION, seed=record["seed"])
    assert again.reviews == first.reviews
