"""The forecast: deterministic for a seed, and what-ifs move it the way they should."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.definitions import parse_process
from untoc_workflow.errors import InputError
from untoc_workflow.reports.forecast import (
    Phases,
    Scenario,
    WhatIf,
    forecast,
    forecast_phases,
    parse_extend,
    scenario_from_decision,
)
from untoc_workflow.yamlsource import load_text

PAPER_DATE = date(2024, 4, 16)
PROCESS_DEFS = Path(__file__).resolve().parents[2] / "untoc_workflow" / "process_defs"
DECISIONS = PROCESS_DEFS / "decisions"


def _median(result, name="baseline"):
    sc = next(s for s in result["scenarios"] if s["name"] == name)
    return sc


def test_the_same_seed_gives_the_same_forecast(process, sample):
    a = forecast(process, sample, PAPER_DATE, runs=200, seed=7, chart=False)
    b = forecast(process, sample, PAPER_DATE, runs=200, seed=7, chart=False)
    c = forecast(process, sample, PAPER_DATE, runs=200, seed=8, chart=False)
    assert a == b
    assert a["scenarios"][0]["curve"] != c["scenarios"][0]["curve"]


def test_every_review_gets_a_completion_range_and_complete_ones_are_done(process, sample):
    result = forecast(process, sample, PAPER_DATE, runs=100, seed=1, chart=False)
    assert len(result["reviews"]) == 189
    for r in result["reviews"].values():
        assert r["p10"] <= r["median"] <= r["p90"]
        assert r["p10"] >= PAPER_DATE.isoformat()
    # reviews further along are expected to finish sooner, on the whole
    by_stage: dict[str, list[str]] = {}
    for r in result["reviews"].values():
        by_stage.setdefault(r["stage"], []).append(r["median"])
    mid = {k: sorted(v)[len(v) // 2] for k, v in by_stage.items()}
    assert mid["observations"] < mid["written_feedback"] < mid["not_started"]


def test_the_model_is_estimated_from_the_events(process, sample):
    model = forecast(process, sample, PAPER_DATE, runs=20, seed=1, chart=False)["model"]
    assert model["completions"]["preliminary_consultation"] == {"1": 32, "2": 22, "3": 19}
    assert model["completions"]["saq"] == {"1": 26, "2": 12, "3": 3}
    assert model["completions"]["written_feedback"] == {"1": 4, "2": 0, "3": 0}


def test_extending_the_feedback_delays_group_1_and_waiving_it_speeds_it_up(process, sample):
    scenarios = [
        Scenario("longer", "feedback + 3 months", (WhatIf("extend", "written_feedback", 3),)),
        Scenario("shorter", "no feedback step", (WhatIf("waive", "written_feedback"),)),
    ]
    result = forecast(
        process, sample, PAPER_DATE, runs=300, seed=3, scenarios=scenarios, chart=False
    )
    base = _median(result)["curve"]["median"]
    longer = _median(result, "longer")["curve"]["median"]
    shorter = _median(result, "shorter")["curve"]["median"]
    # same dice for every scenario: the share complete is never higher with more time
    assert all(x <= y for x, y in zip(longer, base, strict=True))
    assert sum(longer) < sum(base) < sum(shorter)


def test_a_conference_decision_file_is_a_what_if(process, sample):
    scenario = scenario_from_decision(DECISIONS / "example_threshold.yaml", process)
    assert scenario.changes[0].kind == "threshold" and scenario.changes[0].percent == 50
    result = forecast(
        process, sample, PAPER_DATE, runs=200, seed=3, scenarios=[scenario], chart=False
    )
    half = _median(result, "decision")
    assert half["needed"] == 31 and _median(result)["needed"] == 44
    extend = scenario_from_decision(DECISIONS / "example_extend_saq.yaml", process)
    change = extend.changes[0]
    assert (change.kind, change.step, change.months, change.groups) == ("extend", "saq", 6, (1,))


def _consultation_after_experts_too():
    """The country review, its preliminary consultation held once the focal points AND the
    experts are named (`after` a list): the experts' nomination becomes a predecessor of
    the first phase without being a phase's own step."""
    path = PROCESS_DEFS / "country_review.yaml"
    text = path.read_text(encoding="utf-8")
    one = "    starts: {after: focal_points}\n"
    assert text.count(one) == 1
    text = text.replace(one, "    starts: {after: [focal_points, experts]}\n")
    return parse_process(load_text(text, str(path)))


def test_a_step_after_several_is_delayed_by_an_extension_of_any_of_them(sample):
    definition = _consultation_after_experts_too()
    phases = Phases.of(definition)
    assert phases.delays["focal_points"] == phases.delays["experts"] == 0
    # the reviews still waiting for their consultation wait three months more for experts
    longer = Scenario("experts", "experts + 3 months", (WhatIf("extend", "experts", 3),))
    result = forecast(
        definition, sample, PAPER_DATE, runs=300, seed=3, scenarios=[longer], chart=False
    )
    base = _median(result)["curve"]["median"]
    later = _median(result, "experts")["curve"]["median"]
    assert all(x <= y for x, y in zip(later, base, strict=True))
    assert sum(later) < sum(base)
    # and `--extend` accepts the step
    assert parse_extend("experts:3", phases.delays) == WhatIf("extend", "experts", 3.0)


def test_waiving_a_step_a_phase_waits_for_leaves_the_phase_to_be_done(sample):
    definition = _consultation_after_experts_too()
    scenarios = [
        Scenario("no_experts", "experts waived", (WhatIf("waive", "experts"),)),
        Scenario("no_focal", "focal points waived", (WhatIf("waive", "focal_points"),)),
        Scenario("no_pc", "no consultation", (WhatIf("waive", "preliminary_consultation"),)),
    ]
    result = forecast(
        definition, sample, PAPER_DATE, runs=200, seed=3, scenarios=scenarios, chart=False
    )
    base = _median(result)["curve"]["median"]
    # the consultation still has to be held: the forecast is the same
    assert _median(result, "no_experts")["curve"]["median"] == base
    assert _median(result, "no_focal")["curve"]["median"] == base
    assert sum(_median(result, "no_pc")["curve"]["median"]) > sum(base)


def test_extend_option_is_checked(process):
    steps = forecast_phases(process).delays
    assert parse_extend("written_feedback:3", steps) == WhatIf("extend", "written_feedback", 3.0)
    with pytest.raises(InputError, match="STEP:MONTHS"):
        parse_extend("feedback:3", steps)
    with pytest.raises(InputError, match="not a number"):
        parse_extend("saq:three")


def test_the_forecast_chart_is_a_png(process, sample):
    result = forecast(process, sample, PAPER_DATE, runs=50, seed=1)
    assert result["png"][:8] == b"\x89PNG\r\n\x1a\n"
