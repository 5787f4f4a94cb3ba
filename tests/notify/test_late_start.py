"""A step that could begin only after its deadline is told as such, its lateness counted as
`untoc status` counts it (from the deadline), and a new date is asked for."""

from __future__ import annotations

from datetime import date, timedelta

from untoc_workflow.core import mechanism_states

from .conftest import add_events, standard_mechanism, went_live
from .test_sweep_smtp import DEFINITION, run


def test_a_step_that_began_late_says_when_it_could_begin(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    # Ghana's consultation agrees the questionnaire by 1 June and the written feedback by
    # 1 July; the questionnaire arrives on 1 August: the feedback can begin only then
    add_events(
        store,
        tmp_path,
        [
            {
                "on": "2023-05-02",
                "type": "preliminary_consultation_held",
                "review": "C1-G1-GHA",
                "languages": ["en"],
                "agreed": {"saq": "2023-06-01", "written_feedback": "2023-07-03"},
            },
            {"on": "2023-08-01", "type": "saq_submitted", "review": "C1-G1-GHA"},
        ],
        "late.yaml",
    )
    went_live(store, tmp_path, before="2023-08-01")
    found = None
    day = date(2023, 8, 1)
    while found is None and day < date(2023, 10, 1):
        report = run(store, tmp_path, smtp, day.isoformat())
        for m in smtp.wait_for(len(smtp.messages()))[-report.sent :] if report.sent else []:
            text = m.message.get_body(("plain",)).get_content()
            if m.rcpt_tos[0] == "i.berg@example.org" and "Written feedback" in text:
                found = (day, text)
        day += timedelta(days=1)
    assert found, "no notice on the written feedback in the review of Ghana"
    day, text = found
    state = mechanism_states(DEFINITION, store.snapshot(day), day)["C1-G1-GHA"]
    [step] = [s for s in state.steps if s.step == "written_feedback"]
    assert step.started_on == date(2023, 8, 1)
    assert step.days_overdue == (day - date(2023, 7, 3)).days
    # the count of `untoc status`, the day it could begin, and a new date asked for
    assert f"{step.days_overdue} days overdue" in text, text
    assert "could begin only on 1 August 2023" in text
    assert "A new date should be agreed with the secretariat." in text
    late_from_start = (day - date(2023, 8, 1)).days
    assert f" {late_from_start} days overdue" not in text or late_from_start == step.days_overdue
