"""The drawing of lots, on random party sets: every rule holds for every draw that succeeds,
the same seed gives the same draw, and impossible inputs fail naming the party and rule."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from mechanism_support import (  # noqa: E402
    INSTRUMENTS,
    LONG_AGO,
    REGIONAL_GROUPS,
    check_review,
    lots_follow_workload,
    mechanism,
    party,
)

from untoc_workflow.core.model import Party  # noqa: E402
from untoc_workflow.mechanism.draw import DrawImpossible, draw_cluster  # noqa: E402

DEFINITION = mechanism()
START = date(2020, 12, 1)
CODES = [f"{a}{b}X" for a in "ABCDEFGHIJ" for b in "ABCDEFGHIJ"]


@st.composite
def party_sets(draw: st.DrawFn) -> list[Party]:
    n = draw(st.integers(min_value=2, max_value=24))
    codes = draw(st.lists(st.sampled_from(CODES), min_size=n, max_size=n, unique=True))
    out = []
    for code in codes:
        group = draw(st.sampled_from(REGIONAL_GROUPS))
        dates = {"UNTOC": LONG_AGO}
        for i in INSTRUMENTS[1:]:
            choice = draw(st.integers(0, 3))
            if choice == 1:
                dates[i] = LONG_AGO
            elif choice == 2:  # becomes party after the start: not reviewed on it
                dates[i] = START + timedelta(days=draw(st.integers(1, 400)))
            elif choice == 3:
                dates[i] = START - timedelta(days=draw(st.integers(0, 400)))
        out.append(Party(code, code, group, dates))
    return out


def feasible(me: Party, parties: list[Party], on: date) -> bool:
    """An independent oracle: can `me` get reviewers by the rules on `on`?"""
    others = [p for p in parties if p.code != me.code]
    if not any(p.regional_group == me.regional_group for p in others):
        return False
    if not any(p.regional_group != me.regional_group for p in others):
        return False
    return all(
        any(p.is_party_to(i, on) for p in others) for i in INSTRUMENTS if me.is_party_to(i, on)
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parties=party_sets(), seed=st.integers(0, 2**32), groups=st.integers(1, 3))
def test_every_rule_holds_for_every_draw_that_succeeds(
    parties: list[Party], seed: int, groups: int
) -> None:
    groups = min(groups, len(parties))
    starts = [START.replace(year=START.year + k) for k in range(groups)]
    try:
        result = draw_cluster(parties, starts, DEFINITION, seed=seed)
    except DrawImpossible as exc:
        by_code = {p.code: p for p in parties}
        for problem in exc.problems:
            assert problem.path.startswith("parties[")
            assert problem.hint and problem.hint.startswith("rule ")
            me = by_code[problem.path[len("parties[") : -1]]
            assert any(not feasible(me, parties, on) for on in starts), problem
        return
    by_code = {p.code: p for p in parties}
    for review in result.reviews:
        assert feasible(by_code[review.reviewed], parties, review.starts_on)
        assert check_review(review, by_code) == [], review
    # Every Party is reviewed exactly once, and the groups are as even as they can be.
    assert sorted(r.reviewed for r in result.reviews) == sorted(by_code)
    sizes = [len(g.reviewed) for g in result.groups]
    assert max(sizes) - min(sizes) <= 1
    # Each lot fell among the least-loaded Parties the rules allowed.
    assert lots_follow_workload(result.lots)


@settings(max_examples=60, deadline=None)
@given(parties=party_sets(), seed=st.integers(0, 2**32))
def test_the_same_seed_gives_the_same_draw_whatever_the_input_order(
    parties: list[Party], seed: int
) -> None:
    try:
        first = draw_cluster(parties, [START], DEFINITION, seed=seed)
    except DrawImpossible as exc:
        with pytest.raises(DrawImpossible) as again:
            draw_cluster(list(reversed(parties)), [START], DEFINITION, seed=seed)
        assert str(again.value) == str(exc)
        return
    second = draw_cluster(list(reversed(parties)), [START], DEFINITION, seed=seed)
    assert first.reviews == second.reviews
    assert first.lots == second.lots
    assert first.record() == second.record()


def test_a_different_seed_gives_a_different_draw() -> None:
    groups = ["African", "Asia-Pacific", "GRULAC", "WEOG"]
    parties = [party(f"{chr(65 + k)}{i}A", g) for k, g in enumerate(groups) for i in "BCDEF"]
    draws = {
        tuple(
            (r.reviewed, tuple(a.party for a in r.reviewers))
            for r in draw_cluster(parties, [START], DEFINITION, seed=s).reviews
        )
        for s in range(5)
    }
    assert len(draws) > 1


def test_a_regional_group_of_one_fails_naming_the_party_and_the_rule() -> None:
    parties = [party("AAA", "African"), party("BBB", "African"), party("CCC", "WEOG")]
    with pytest.raises(DrawImpossible) as exc:
        draw_cluster(parties, [START], DEFINITION, seed=1)
    problems = exc.value.problems
    assert [(p.path, p.hint) for p in problems] == [("parties[CCC]", "rule own_regional_group")]
    assert "no other party of the WEOG group" in problems[0].message


def test_an_instrument_nobody_else_has_fails_naming_the_party_and_the_rule() -> None:
    parties = [
        party("AAA", "African", ["UNTOC", "FIREARMS"]),
        party("BBB", "African", ["UNTOC"]),
        party("CCC", "WEOG", ["UNTOC"]),
        party("DDD", "WEOG", ["UNTOC"]),
    ]
    with pytest.raises(DrawImpossible) as exc:
        draw_cluster(parties, [START], DEFINITION, seed=1)
    (problem,) = exc.value.problems
    assert problem.path == "parties[AAA]"
    assert problem.hint == "rule instrument_coverage"
    assert "FIREARMS" in problem.message


def test_a_single_regional_group_fails_on_the_other_group_rule_for_everyone() -> None:
    parties = [party(c, "GRULAC") for c in ("AAA", "BBB", "CCC")]
    with pytest.raises(DrawImpossible) as exc:
        draw_cluster(parties, [START], DEFINITION, seed=1)
    assert {(p.path, p.hint) for p in exc.value.problems} == {
        (f"parties[{c}]", "rule other_regional_group") for c in ("AAA", "BBB", "CCC")
    }


def test_a_party_without_a_regional_group_fails_unless_the_definition_places_it() -> None:
    parties = [party("XYZ", None), party("AAA", "WEOG"), party("BBB", "African")]
    with pytest.raises(DrawImpossible) as exc:
        draw_cluster(parties, [START], DEFINITION, seed=1)
    assert [p.hint.split(":")[0] for p in exc.value.problems if p.path == "parties[XYZ]"] == [
        "rule regional_group_known"
    ]
    # The EU is placed by mechanism.yaml (explicit entry), so it needs no group in the file.
    eu = [party("EU", None), party("DEU", "WEOG"), party("NGA", "African"), party("GHA", "African")]
    result = draw_cluster(eu, [START], DEFINITION, seed=1)
    assert result.parties["EU"].regional_group == "WEOG"


def test_a_protocol_joined_after_the_start_is_not_reviewed_and_not_reviewed_by_that_party() -> None:
    later = START + timedelta(days=30)
    parties = [
        party("AAA", "African", ["UNTOC", "TIP"], TIP=later),
        party("BBB", "African", ["UNTOC", "TIP"], TIP=later),
        party("CCC", "WEOG", ["UNTOC", "TIP"]),
        party("DDD", "WEOG", ["UNTOC", "TIP"]),
    ]
    result = draw_cluster(parties, [START], DEFINITION, seed=3)
    by = {r.reviewed: r for r in result.reviews}
    assert by["AAA"].instruments == ("UNTOC",)
    assert all("TIP" not in a.instruments for a in by["CCC"].reviewers if a.party in ("AAA", "BBB"))
    assert check_review(by["CCC"], result.parties) == []
