"""Where a review's run waits, and which facts it records or refuses (no Prefect needed)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.orchestration import (
    fact_from_event,
    fact_model,
    record_fact,
    review_position,
    step_from_key,
)

HERE = Path(__file__).parent
TODAY = date(2026, 11, 23)


@pytest.fixture
def store(store_url):
    from untoc_workflow.store import open_store

    s = open_store(store_url)
    s.import_file(HERE / "mechanism.yaml")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def definition():
    root = Path(__file__).resolve().parents[2]
    return load_process(root / "untoc_workflow/process_defs/country_review.yaml")


def position(store, definition, review):
    return review_position(definition, store.snapshot(), review, TODAY)


def test_each_review_waits_at_the_first_open_step_whose_fact_belongs_to_it(store, definition):
    assert position(store, definition, "C1-G1-NGA").step == "saq"
    assert position(store, definition, "C1-G1-GHA").step == "preliminary_consultation"
    # Peru has no focal point: the review waits for focal points, not for its SAQ
    assert position(store, definition, "C1-G2-FRA").step == "focal_points"
    assert position(store, definition, "C1-G1-DEU").complete


def test_the_suspend_key_names_step_deadline_log_and_attempt(store, definition):
    p = position(store, definition, "C1-G1-NGA")
    key = p.key()
    assert key.startswith("saq--20210531--")  # the date agreed at the consultation
    assert key.endswith("--0") and p.key(2).endswith("--2")
    assert step_from_key(key) == "saq"
    assert step_from_key("preliminary-consultation--x--y--0") == "preliminary_consultation"
    assert step_from_key("1") is None  # Prefect's default counter keys


def test_a_recorded_fact_moves_the_review_on_and_changes_the_key(store, definition):
    before = position(store, definition, "C1-G1-NGA")
    outcome = record_fact(
        store, before, fact_model("saq_submitted", definition)(on="2021-05-20"), TODAY
    )
    assert outcome.recorded and outcome.refused is None
    after = position(store, definition, "C1-G1-NGA")
    assert after.step == "written_feedback"
    assert after.fingerprint != before.fingerprint


def test_a_replayed_or_repeated_fact_is_recorded_once(store, definition):
    p = position(store, definition, "C1-G1-NGA")
    fact = fact_model("saq_submitted", definition)(on="2021-05-20", note="received by email")
    assert record_fact(store, p, fact, TODAY).recorded
    again = record_fact(store, p, fact, TODAY)  # Prefect replays the body with the same input
    assert not again.recorded and again.refused is None
    saqs = [
        e for e in store.snapshot().events if e.type == "saq_submitted" and e.review == p.review
    ]
    assert len(saqs) == 1


def test_the_same_fact_from_untoc_record_and_from_a_resume_is_recorded_once(store, definition):
    from untoc_workflow.mechanism_file import FORMAT
    from untoc_workflow.yamlsource import Located

    event = {"on": "2021-05-20", "type": "saq_submitted", "review": "C1-G1-NGA"}
    store.import_document(Located({"format": FORMAT, "events": [event]}, "untoc record", {}))
    p = position(store, definition, "C1-G1-NGA")
    outcome = record_fact(store, p, fact_from_event(event, definition), TODAY)
    assert outcome.refused  # the log has moved on: the run now waits for written feedback
    assert position(store, definition, "C1-G1-NGA").step == "written_feedback"
    saqs = [
        e for e in store.snapshot().events if e.type == "saq_submitted" and e.review == "C1-G1-NGA"
    ]
    assert len(saqs) == 1


@pytest.mark.parametrize(
    ("review", "kind", "fields", "why"),
    [
        ("C1-G1-NGA", "saq_submitted", {"on": "2027-01-01"}, "is in the future"),
        (
            "C1-G1-NGA",
            "saq_submitted",
            {"on": "2020-11-01"},
            "\u201cAnswers to the self-assessment questionnaire received\u201d dated "
            "1 November 2020 is before step \u201cSelf-assessment questionnaire\u201d started",
        ),
        (
            "C1-G1-NGA",
            "observations_agreed",
            {"on": "2021-05-01"},
            "waits for step \u201cSelf-assessment questionnaire\u201d",
        ),
        (
            "C1-G2-FRA",
            "focal_point_nominated",
            {"on": "2021-11-20", "party": "NGA", "name": "B. O.", "email": "b@example.org"},
            "NGA is not a party to review C1-G2-FRA",
        ),
        (
            "C1-G1-GHA",
            "preliminary_consultation_held",
            {"on": "2021-02-01", "languages": ["en", "de"]},
            "de not UN language codes",
        ),
    ],
)
def test_facts_the_review_is_not_waiting_for_are_refused_and_nothing_is_recorded(
    store, definition, review, kind, fields, why
):
    p = position(store, definition, review)
    before = len(store.snapshot().events)
    outcome = record_fact(store, p, fact_model(kind, definition)(**fields), TODAY)
    assert outcome.refused and why in outcome.refused, outcome.refused
    # in words: no fact or step id of the definition, dates in UN style
    assert not re.search(r"\b(saq|saq_submitted|observations_agreed)\b", outcome.refused)
    assert not re.search(r"\d{4}-\d{2}-\d{2}", outcome.refused)
    assert len(store.snapshot().events) == before


def test_written_feedback_from_a_reviewer_twice_is_refused(store, definition):
    record_fact(
        store,
        position(store, definition, "C1-G1-NGA"),
        fact_model("saq_submitted", definition)(on="2021-05-20"),
        TODAY,
    )
    wf = fact_model("written_feedback_submitted", definition)
    first = record_fact(
        store, position(store, definition, "C1-G1-NGA"), wf(on="2021-09-01", party="GHA"), TODAY
    )
    assert first.recorded
    p = position(store, definition, "C1-G1-NGA")
    assert p.step == "written_feedback" and p.step_state.waiting_for == ("DEU",)
    second = record_fact(store, p, wf(on="2021-09-02", party="GHA"), TODAY)
    assert "GHA already sent its part of Written feedback for review C1-G1-NGA" in (
        second.refused or ""
    )
    assert "(awaited: DEU)" in (second.refused or "")


def test_facts_convert_from_the_events_untoc_record_builds(definition):
    event = {
        "on": "2021-02-01",
        "type": "preliminary_consultation_held",
        "review": "C1-G1-GHA",
        "languages": ["en", "fr"],
        "agreed": {"saq": "2021-07-31"},
    }
    fact = fact_from_event(event, definition)
    assert fact.model_dump(mode="json", exclude_none=True) == {
        "fact": "preliminary_consultation_held",
        "on": "2021-02-01",
        "languages": ["en", "fr"],
        "agreed_saq": "2021-07-31",
    }
    assert fact.event("C1-G1-GHA") == event


def test_without_a_prefect_api_resuming_is_a_quick_no_op_that_does_not_import_prefect():
    code = (
        # CPU time, not wall: on a loaded machine the wall clock measures the others' work
        "import sys, time; t = time.process_time();"
        "from untoc_workflow.orchestration import resume_waiting_run;"
        "r = resume_waiting_run('C1-G1-NGA', {'on': '2021-05-20', 'type': 'saq_submitted',"
        " 'review': 'C1-G1-NGA'});"
        "print(r, 'prefect' in sys.modules, round(time.process_time() - t, 3))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}

    def cpu_seconds(source: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", source], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.split()

    out = cpu_seconds(code)
    assert out[:2] == ["None", "False"], out
    # Quick means cheaper than importing Prefect alone, measured on the same machine at the
    # same moment: a fixed bound in seconds failed on a slower CI machine (0.4 s here, 0.6 s
    # there), while Prefect's import costs about twice as much as the whole no-op everywhere.
    prefect_alone = cpu_seconds(
        "import time; t = time.process_time(); import prefect;"
        "print(round(time.process_time() - t, 3))"
    )
    assert float(out[2]) < float(prefect_alone[0]), (out, prefect_alone)
