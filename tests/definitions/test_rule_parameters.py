"""The named rules take parameters from the definition: which Parties a step waits for,
whose focal points a condition needs. The old names stay shorthands with the same meaning."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from untoc_workflow.core import Event, Review, ReviewerAssignment, Snapshot, mechanism_states
from untoc_workflow.definitions import load_process
from untoc_workflow.definitions.load import BUNDLED_DEFS

START = date(2024, 1, 8)
REVIEW = Review(
    "R1",
    1,
    1,
    "NGA",
    ("UNTOC",),
    (ReviewerAssignment("DEU", ("UNTOC",)), ReviewerAssignment("GHA", ("UNTOC",))),
    START,
)


@pytest.fixture(scope="module")
def defs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled folder (its templates) to write the definitions into."""
    target = tmp_path_factory.mktemp("params") / "defs"
    shutil.copytree(BUNDLED_DEFS, target)
    return target


def _load(defs: Path, text: str) -> Any:
    path = defs / "params.yaml"
    path.write_text(text, encoding="utf-8")
    return load_process(path)


def _definition(defs: Path, focal_points: str, waits: str, agree_waits: str) -> Any:
    text = f"""
process: country_review
version: 1
facts:
  observations_agreed: {{scope: review}}
stages: [not_started, observations, completed]
steps:
  - id: focal_points
    title: {{en: Focal points}}
    starts: {{at: review_start}}
    duration: 2 weeks
    completed_by: {{condition: {focal_points}}}
    waiting_for: {waits}
    stage_on_completion: observations
  - id: observations
    title: {{en: Observations}}
    starts: {{after: focal_points}}
    duration: 1 month
    completed_by: {{event: observations_agreed}}
    stage_on_completion: completed
    waiting_for: {agree_waits}
"""
    return _load(defs, text)


def _named(party: str, on: date) -> Event:
    person = {"name": f"Focal point of {party}", "email": f"fp@{party.lower()}.example"}
    return Event(on, "focal_point_nominated", party=party, data={"person": person})


def _snapshot(*events: Event) -> Snapshot:
    ordered = [Event(e.on, e.type, i, e.review, e.party, e.data) for i, e in enumerate(events)]
    return Snapshot({}, {"R1": REVIEW}, tuple(ordered))


def test_a_condition_needing_only_the_reviewed_partys_focal_point_completes_without_reviewers(defs):
    snapshot = _snapshot(_named("NGA", date(2024, 1, 10)))
    every = _definition(defs, "all_focal_points_named", "parties_without_focal_point", "all")
    reviewed_only = _definition(
        defs,
        "{rule: all_focal_points_named, roles: [reviewed]}",
        "{rule: parties_without_focal_point, roles: [reviewed]}",
        "all",
    )
    day = date(2024, 1, 15)

    waiting = mechanism_states(every, snapshot, day)["R1"].step("focal_points")
    assert waiting.status == "open" and waiting.waiting_for == ("DEU", "GHA")

    done = mechanism_states(reviewed_only, snapshot, day)["R1"]
    assert done.step("focal_points").status == "completed"
    assert done.step("focal_points").completed_on == date(2024, 1, 10)
    assert done.stage == "observations"


def test_a_step_waiting_for_the_reviewed_partys_focal_point_does_not_chase_the_reviewers(defs):
    snapshot = _snapshot(_named("DEU", date(2024, 1, 9)))
    definition = _definition(
        defs,
        "all_focal_points_named",
        "{rule: parties_without_focal_point, roles: [reviewed]}",
        "all",
    )
    step = mechanism_states(definition, snapshot, date(2024, 1, 15))["R1"].step("focal_points")
    assert step.status == "open" and step.waiting_for == ("NGA",)


def test_a_step_waiting_only_for_the_reviewers_names_no_reviewed_party(defs):
    named = [_named(p, date(2024, 1, 9)) for p in ("NGA", "DEU", "GHA")]
    snapshot = _snapshot(*named)
    day = date(2024, 2, 1)
    together = _definition(defs, "all_focal_points_named", "parties_without_focal_point", "all")
    reviewers = _definition(
        defs,
        "all_focal_points_named",
        "parties_without_focal_point",
        "{rule: parties, roles: [reviewers]}",
    )
    assert mechanism_states(together, snapshot, day)["R1"].step("observations").waiting_for == (
        "NGA",
        "DEU",
        "GHA",
    )
    only = mechanism_states(reviewers, snapshot, day)["R1"]
    assert only.step("observations").waiting_for == ("DEU", "GHA")
    assert only.waiting_for == ("DEU", "GHA")


def test_a_rule_use_reads_as_its_rule_and_says_its_parameters(defs):
    definition = _definition(
        defs,
        "{rule: all_focal_points_named, roles: [reviewed]}",
        "parties_without_focal_point",
        "{rule: parties, roles: [reviewers, reviewed]}",
    )
    condition = definition.step("focal_points").completed_by.condition
    assert condition == "all_focal_points_named"
    assert str(condition) == "all_focal_points_named (roles: [reviewed])"
    agree = definition.step("observations").waiting_for
    # roles are a set: the order written does not matter, and `all` is the same rule use
    assert (
        agree
        == _definition(defs, "all_focal_points_named", "all", "all")
        .step("observations")
        .waiting_for
    )
    assert str(agree) == "parties"


def test_the_old_names_mean_exactly_their_mapping_on_every_golden_history(defs):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "core"))
    from test_golden_histories import FILES, load_golden  # noqa: E402

    text = (BUNDLED_DEFS / "country_review.yaml").read_text(encoding="utf-8")
    spelled = {
        "waiting_for: reviewers_pending": (
            "waiting_for: {rule: parties, roles: [reviewers], pending: true}"
        ),
        "waiting_for: all": "waiting_for: {rule: parties, roles: [reviewers, reviewed]}",
        "waiting_for: reviewed": "waiting_for: {rule: parties, roles: [reviewed]}",
        "waiting_for: parties_without_focal_point": (
            "waiting_for: {rule: parties_without_focal_point}"
        ),
        "{condition: all_focal_points_named}": (
            "{condition: {rule: all_focal_points_named, roles: [reviewed, reviewers]}}"
        ),
    }
    for short, mapping in spelled.items():
        assert short in text
        text = text.replace(short, mapping)
    written_out = _load(defs, text)
    bundled = load_process()
    assert all(s.waiting_for.shorthand is None for s in written_out.steps)
    assert [s.waiting_for for s in written_out.steps] == [s.waiting_for for s in bundled.steps]
    compared = 0
    for path in FILES:
        snapshot, expect = load_golden(path)
        for e in expect:
            day = date.fromisoformat(str(e["as_of"]))
            assert mechanism_states(written_out, snapshot, day) == mechanism_states(
                bundled, snapshot, day
            )
            compared += 1
    assert compared > 0


def test_admission_asks_the_same_parametrised_condition_as_the_fold(defs):
    from untoc_workflow.core.admission import CommandDate, admit

    known = [_named("NGA", date(2024, 1, 10))]
    agreed = Event(date(2024, 1, 20), "observations_agreed", review="R1")
    today = CommandDate(date(2024, 2, 1))
    every = _definition(defs, "all_focal_points_named", "parties_without_focal_point", "all")
    reviewed_only = _definition(
        defs,
        "{rule: all_focal_points_named, roles: [reviewed]}",
        "parties_without_focal_point",
        "all",
    )
    refusal = admit(every, REVIEW, known, agreed, today)
    assert refusal is not None and "not at step observations" in refusal.reason
    assert admit(reviewed_only, REVIEW, known, agreed, today) is None


def test_a_misspelt_rule_parameter_stops_the_command_with_its_place_not_a_traceback(
    cli, defs_copy, monkeypatch
):
    path = defs_copy / "country_review.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "waiting_for: reviewers_pending",
            "waiting_for: {rule: parties, roles: [reviewers], pendng: true}",
            1,
        ),
        encoding="utf-8",
    )
    line = next(
        i for i, t in enumerate(text.splitlines(), 1) if "waiting_for: reviewers_pending" in t
    )
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs_copy))
    result = cli("processes", code=1)
    output = result.output + (result.stderr if result.stderr_bytes else "")
    assert (
        f"country_review.yaml:{line}: steps[4].waiting_for.pendng: unknown parameter 'pendng' "
        "of rule 'parties'; parameters: roles, pending (did you mean 'pending'?)"
    ) in output
    assert "Traceback" not in output


def test_the_processes_command_says_which_rule_and_parameters_complete_a_step(
    cli, defs_copy, monkeypatch
):
    path = defs_copy / "country_review.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "{condition: all_focal_points_named}",
            "{condition: {rule: all_focal_points_named, roles: [reviewed]}}",
            1,
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("UNTOC_PROCESS_DEFS", str(defs_copy))
    out = cli("processes").stdout
    assert "done by all_focal_points_named (roles: [reviewed])" in out
