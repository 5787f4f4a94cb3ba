"""Golden histories: real-looking reviews replayed on several dates give the written states.

Each file in golden/ is a mechanism file plus the states a secretariat officer worked out
by hand from the rules (DOMAIN.md section 4, mechanism-file contract). Only what a file
states is checked, so an expectation can be as narrow as one step on one date.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from untoc_workflow.core import Snapshot, focal_points_on, mechanism_states
from untoc_workflow.definitions import load_process
from untoc_workflow.mechanism_file.parse import parse_document
from untoc_workflow.yamlsource import Located, load_file

GOLDEN = Path(__file__).parent / "golden"


def load_golden(path: Path) -> tuple[Snapshot, list[dict[str, Any]]]:
    whole = load_file(path)
    prefix = "history."
    lines = {k[len(prefix) :]: v for k, v in whole.lines.items() if k.startswith(prefix)}
    parsed = parse_document(Located(whole.data["history"], str(path), lines))
    events = sorted(parsed.events, key=lambda e: (e.on, e.seq))
    snapshot = Snapshot(
        parties={p.code: p for p in parsed.parties},
        reviews={r.id: r for r in parsed.reviews},
        events=tuple(events),
    )
    return snapshot, whole.data["expect"]


def as_date(value: Any) -> date | None:
    return None if value is None else date.fromisoformat(str(value))


FILES = sorted(GOLDEN.glob("*.yaml"))


def cases() -> list[Any]:
    out = []
    for path in FILES:
        _, expect = load_golden(path)
        for i, e in enumerate(expect):
            out.append(pytest.param(path, i, id=f"{path.stem}@{e['as_of']}"))
    return out


@pytest.fixture(scope="module")
def definition():
    return load_process()


def test_the_golden_folder_holds_every_history_the_issue_names():
    names = {p.stem for p in FILES}
    assert {
        "on_time",
        "late_saq_extension",
        "focal_point_replaced",
        "redraw",
        "feedback_each_reviewer",
        "saq_before_consultation",
    } <= names


@pytest.mark.parametrize(("path", "index"), cases())
def test_replaying_the_history_gives_the_expected_state(definition, path, index):
    snapshot, expect = load_golden(path)
    e = expect[index]
    as_of = as_date(e["as_of"])
    (review_id,) = snapshot.reviews
    state = mechanism_states(definition, snapshot, as_of)[review_id]

    assert set(e) - {"as_of"}, "an expectation with nothing to check"
    if "stage" in e:
        assert state.stage == e["stage"]
    if "blocked" in e:
        assert state.blocked is e["blocked"]
    if "without_focal_point" in e:
        assert list(state.parties_without_focal_point) == e["without_focal_point"]
    if "reviewers" in e:
        assert list(state.reviewers) == e["reviewers"]
    if "languages" in e:
        expected = e["languages"]
        assert (None if state.languages is None else list(state.languages)) == expected
    for step_id, want in (e.get("steps") or {}).items():
        step = state.step(step_id)
        assert step.status == want["status"], step_id
        if "deadline" in want:
            assert step.deadline is not None, step_id
            assert step.deadline.due == as_date(want["deadline"]), step_id
        if "source" in want:
            assert step.deadline.source == want["source"], step_id
        if "basis" in want:
            assert step.deadline.basis == want["basis"], step_id
        if "overdue" in want:
            assert step.days_overdue == want["overdue"], step_id
        if "waiting_for" in want:
            assert list(step.waiting_for) == want["waiting_for"], step_id
        if "submitted_by" in want:
            assert sorted(step.submitted_by) == sorted(want["submitted_by"]), step_id
        if "started_on" in want:
            assert step.started_on == as_date(want["started_on"]), step_id
        if "completed_on" in want:
            assert step.completed_on == as_date(want["completed_on"]), step_id
    if "notifications" in e:
        assert sorted(n.key for n in state.notifications) == sorted(e["notifications"])
    if "focal_points" in e or "changed_focal_point" in e:
        roll = focal_points_on(snapshot.events, as_of)
        for party, emails in (e.get("focal_points") or {}).items():
            assert [p.email for p in roll.persons(party)] == emails
        if "changed_focal_point" in e:
            assert sorted(roll.parties_changed) == sorted(e["changed_focal_point"])
