"""CSV of every review's state, and per-Party iCalendar files with stable event ids."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

from icalendar import Calendar

from untoc_workflow.core import Event, Snapshot, mechanism_states
from untoc_workflow.reports.exports import csv_text, party_calendar, write_calendars

PAPER_DATE = date(2024, 4, 16)


def test_the_csv_has_one_row_per_review_with_its_state(process, sample):
    states = mechanism_states(process, sample, PAPER_DATE)
    rows = list(csv.DictReader(io.StringIO(csv_text(states.values(), sample))))
    assert len(rows) == 189
    stages = {}
    for row in rows:
        stages[row["stage"]] = stages.get(row["stage"], 0) + 1
    assert stages == {
        "not_started": 116,
        "questionnaire": 32,
        "written_feedback": 37,
        "observations": 4,
    }
    assert sum(r["blocked"] == "yes" for r in rows) == 65
    one = next(r for r in rows if r["stage"] == "written_feedback")
    state = states[one["review"]]
    wf = state.step("written_feedback")
    assert one["written_feedback_deadline"] == wf.deadline.due.isoformat()
    assert one["written_feedback_deadline_source"] == wf.deadline.source
    assert one["saq_submitted_on"] == state.step("saq").completed_on.isoformat()
    assert int(one["days_overdue"]) == state.days_overdue
    assert one["reviewed_name"] == sample.parties[state.reviewed].name


def _review_with_open_feedback(process, sample):
    states = mechanism_states(process, sample, PAPER_DATE)
    for s in states.values():
        step = s.step("written_feedback")
        if s.stage == "written_feedback" and step.deadline.due >= PAPER_DATE:
            return s
    raise AssertionError("the sample has reviews whose feedback is not yet due")


def _vevents(cal: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_a_party_calendar_lists_its_upcoming_deadlines_with_stable_uids(process, sample):
    s = _review_with_open_feedback(process, sample)
    party = s.reviewers[0]
    states = mechanism_states(process, sample, PAPER_DATE)
    cal = Calendar.from_ical(party_calendar(states, sample, party, PAPER_DATE).to_ical())
    events = _vevents(cal)
    uid = f"{s.review}.written_feedback@untoc-review-mechanism"
    assert uid in events
    ev = events[uid]
    assert ev["DTSTART"].dt == s.step("written_feedback").deadline.due
    for e in events.values():  # only upcoming deadlines
        assert e["DTSTART"].dt >= PAPER_DATE
    # the same data gives the same bytes: a re-import changes nothing
    again = party_calendar(states, sample, party, PAPER_DATE).to_ical()
    assert again == party_calendar(states, sample, party, PAPER_DATE).to_ical()


def test_a_moved_deadline_keeps_its_uid_and_raises_the_sequence(process, sample):
    s = _review_with_open_feedback(process, sample)
    party = s.reviewed
    before_states = mechanism_states(process, sample, PAPER_DATE)
    before = _vevents(party_calendar(before_states, sample, party, PAPER_DATE))
    uid = f"{s.review}.written_feedback@untoc-review-mechanism"
    old_due = before[uid]["DTSTART"].dt
    new_due = date(2024, 12, 31)
    moved = Event(
        date(2024, 4, 16),
        "deadline_extended",
        10**9,
        s.review,
        None,
        {"step": "written_feedback", "due": new_due, "basis": "decision X"},
    )
    extended = replace(sample, events=(*sample.events, moved))
    assert isinstance(extended, Snapshot)
    after_states = mechanism_states(process, extended, PAPER_DATE)
    after = _vevents(party_calendar(after_states, extended, party, PAPER_DATE))
    assert set(after) == set(before)  # updated in place, nothing added
    assert after[uid]["DTSTART"].dt == new_due != old_due
    assert int(after[uid]["SEQUENCE"]) == int(before[uid]["SEQUENCE"]) + 1


def test_calendars_are_written_per_party(process, sample, tmp_path):
    states = mechanism_states(process, sample, PAPER_DATE)
    written = write_calendars(states, sample, PAPER_DATE, tmp_path / "cal")
    assert written and all(p.suffix == ".ics" for p in written)
    for path in written:
        cal = Calendar.from_ical(path.read_bytes())
        assert cal.walk("VEVENT")
        name = str(cal["X-WR-CALNAME"])
        assert sample.parties[path.stem].name in name and f"({path.stem})" in name
    uids = [
        str(e["UID"]) for p in written for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT")
    ]
    # a deadline shared by a review's three Parties has the same UID in each calendar
    assert len(set(uids)) < len(uids)
