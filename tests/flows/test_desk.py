"""What the secretariat's desk shows, without Prefect: a run's message, tags, form, timeline,
the morning's tables and the approval form, from a store with tests/flows/mechanism.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from untoc_workflow.definitions import load_process
from untoc_workflow.orchestration import (
    chosen_fact,
    fact_from_event,
    fact_from_form,
    lateness,
    open_positions,
    record_fact,
    resume_form,
    review_position,
    review_snapshot,
    run_tags,
    state_message,
    step_form,
)
from untoc_workflow.orchestration.approval import approval_form, approval_key, decisions
from untoc_workflow.orchestration.boards import WRAP, due_soon, in_lines, late_reviews
from untoc_workflow.orchestration.timeline import artifact_key, timeline_markdown

HERE = Path(__file__).parent
REPO = HERE.parents[1]
TODAY = date(2026, 11, 23)
REVIEWS = ("C1-G1-NGA", "C1-G1-GHA", "C1-G2-FRA", "C1-G1-DEU")


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
    return load_process(REPO / "untoc_workflow/process_defs/country_review.yaml")


def at(store, definition, review, today=TODAY):
    snapshot = review_snapshot(store, review)
    return review_position(definition, snapshot, review, today), snapshot


@pytest.mark.parametrize("review", REVIEWS)
def test_a_run_reading_only_its_review_finds_the_position_the_whole_log_gives(
    store, definition, review
):
    own, snapshot = at(store, definition, review)
    whole = review_position(definition, store.snapshot(), review, TODAY)
    assert (own.step, own.fingerprint, own.state) == (whole.step, whole.fingerprint, whole.state)
    # only its own events and its Parties' focal points were read
    parties = {own.state.reviewed, *own.state.reviewers}
    assert all(e.review == review or e.party in parties for e in snapshot.events)


def test_the_state_message_says_step_deadline_source_lateness_and_who_is_awaited(store, definition):
    fra, snapshot = at(store, definition, "C1-G2-FRA", date(2021, 11, 10))
    assert state_message(fra, definition, snapshot.parties) == (
        "Nomination of focal points - due 15 November 2021 (time limit of the guidelines)"
        " - due in 5 days - waiting for Peru (3 steps open)"
    )
    refused = state_message(fra, definition, snapshot.parties, refused="a reason")
    assert refused.startswith("Not recorded: a reason. Nomination of focal points")


def test_the_message_gives_the_reviews_latest_open_step_not_the_one_its_run_waits_at(
    store, definition
):
    # NGA's run waits at the SAQ (2,002 days overdue); its experts are 2,155 days overdue
    nga, snapshot = at(store, definition, "C1-G1-NGA")
    assert nga.step == "saq"
    assert state_message(nga, definition, snapshot.parties) == (
        "Nomination of governmental experts - due 29 December 2020 (time limit of the "
        "guidelines) - 2155 days overdue - waiting for Nigeria (2 steps open; the form "
        "records Self-assessment questionnaire, waiting for Nigeria)"
    )
    tags = run_tags(nga)
    assert {"step:experts", "step:saq", "late:>1y", "open:2"} <= set(tags)
    # a little after the experts' deadline: the band is the experts' (<1m), not the SAQ's
    early, _ = at(store, definition, "C1-G1-NGA", date(2021, 1, 10))
    assert "late:<1m" in run_tags(early) and "late:no" not in run_tags(early)


def test_a_review_at_its_last_stage_with_publication_open_is_not_called_complete(store, definition):
    deu, snapshot = at(store, definition, "C1-G1-DEU")
    message = state_message(deu, definition, snapshot.parties)
    assert "complete (" not in message
    # a country review, in the glossary's word (not "Review", which reads like a verb)
    assert message.startswith(
        "Country review at its last stage (completed) with 2 steps still open: "
    )
    assert "step:publication" in run_tags(deu) and "step:done" not in run_tags(deu)


def test_a_step_that_began_after_its_deadline_is_said_as_the_letters_say_it(store, definition):
    from dataclasses import replace
    from types import SimpleNamespace

    from untoc_workflow.core.state import Deadline, StepState
    from untoc_workflow.definitions import load_process
    from untoc_workflow.definitions.load import BUNDLED_DEFS
    from untoc_workflow.notify.presidency import late_parties
    from untoc_workflow.notify.templates import Templates
    from untoc_workflow.specimens import sample_letter_contexts

    started = date(2021, 2, 1)
    nga, snapshot = at(store, definition, "C1-G1-NGA")
    late = [replace(s, started_on=started) if s.step == "experts" else s for s in nga.state.steps]
    moved = replace(nga, state=replace(nga.state, steps=tuple(late)))
    message = state_message(moved, definition, snapshot.parties)
    said = "could begin only on 1 February 2021, after its deadline"
    assert f"days overdue - {said} - waiting for" in message, message
    # the President's summary of the same late start says it in the same words
    step = StepState(  # its questionnaire, due before it could begin, still awaited
        step="saq",
        status="open",
        started_on=started,
        deadline=Deadline(due=date(2021, 1, 15), source="agreed"),
        days_overdue=500,
        waiting_for=("NGA",),
    )
    review = SimpleNamespace(
        review="C1-G1-NGA", reviewed="NGA", as_of=date(2022, 5, 30), open_steps=(step,)
    )
    steps = {s.id: s for s in load_process().steps}
    templates = Templates(BUNDLED_DEFS / "templates")
    context = sample_letter_contexts(templates, "en")[3][1]
    parties = late_parties(steps, {review.review: review}, {}, "en")
    letter = templates.render_letter("presidency", "en", {**context, "late": parties})
    assert said in " ".join(letter.text.split()), letter.text


def test_tags_carry_roles_step_and_lateness_band(store, definition):
    nga, _ = at(store, definition, "C1-G1-NGA")
    tags = run_tags(nga)
    assert {"reviewed:NGA", "reviewer:GHA", "reviewer:DEU", "step:saq", "late:>1y"} <= set(tags)
    assert {"party:NGA", "party:GHA", "party:DEU", "group:1", "cluster:1"} <= set(tags)
    assert [lateness(d) for d in (-3, 0, 1, 30, 31, 182, 183, 365, 366)] == [
        "late:no",
        "late:no",
        "late:<1m",
        "late:<1m",
        "late:1-6m",
        "late:1-6m",
        "late:6-12m",
        "late:6-12m",
        "late:>1y",
    ]


def test_the_form_speaks_the_domain_lists_the_awaited_parties_and_prefills_today(store, definition):
    fra, snapshot = at(store, definition, "C1-G2-FRA")
    # the form of FRA's step (its own; the run's form offers the other open steps too)
    schema = step_form(fra, snapshot.parties, TODAY, title="t").model_json_schema()
    props = schema["properties"]
    assert list(props) == [
        "party",
        "on",
        "name",
        "email",
        "ministry",
        "language",
        "gender",
        "replaces",
        "recorded_by",
        "note",
    ]
    assert "fact" not in props  # the step decides the fact: no constant field shown
    assert props["party"]["enum"] == ["PER"] and "Peru" in props["party"]["description"]
    assert props["on"] == props["on"] | {"default": "2026-11-23", "format": "date"}
    assert props["language"]["enum"] == ["ar", "zh", "en", "fr", "ru", "es"]
    assert props["recorded_by"]["title"] == "Recorded by"
    assert set(schema["required"]) == {"name", "email", "recorded_by"}
    for p in props.values():
        assert "anyOf" not in p and "const" not in p and p["title"][0].isupper()
    gha, snapshot = at(store, definition, "C1-G1-GHA")
    props = step_form(gha, snapshot.parties, TODAY, title="t").model_json_schema()["properties"]
    assert props["languages"]["items"]["enum"] == ["ar", "zh", "en", "fr", "ru", "es"]
    assert props["agreed_saq"]["format"] == "date"


def test_the_form_offers_each_open_step_with_its_fields_and_the_run_checks_the_choice(
    store, definition
):
    # FRA waits for Peru's focal point; its experts and its SAQ are open too
    fra, snapshot = at(store, definition, "C1-G2-FRA")
    assert [p.step for p in open_positions(fra)] == ["focal_points", "experts", "saq"]
    schema = resume_form(fra, snapshot.parties, TODAY).model_json_schema()
    props = schema["properties"]
    assert schema["title"] == "Nomination of focal points"  # where the run waits
    assert props["step"]["enum"] == [
        "Nomination of focal points",
        "Nomination of governmental experts",
        "Self-assessment questionnaire",
    ]
    assert props["step"]["default"] == "Nomination of focal points"
    assert list(props)[:2] == ["step", "on"] and list(props)[-2:] == ["recorded_by", "note"]
    assert {"name", "email", "count", "women"} <= set(props)
    # Peru's focal point or France's experts: one list, each step's words
    assert props["party"]["enum"] == ["PER", "FRA"] and props["party"]["title"] == "Party"
    assert "Peru" in props["party"]["description"] and "France" in props["party"]["description"]
    assert schema["required"] == ["recorded_by"]  # the chosen step's own form says the rest
    assert schema["additionalProperties"] is False

    base = {"on": "2021-11-20", "recorded_by": "M. Rossi"}
    experts = "Nomination of governmental experts"
    chosen = chosen_fact(
        fra, snapshot.parties, TODAY, base | {"step": experts, "party": "FRA", "count": 3}
    )
    assert not isinstance(chosen, str), chosen
    step_at, fact = chosen
    assert (step_at.step, fact.kind, fact.party, fact.count) == (
        "experts",
        "experts_nominated",
        "FRA",
        3,
    )
    # the run's own step when none is chosen (`untoc record` resumes with the fact's fields)
    own = chosen_fact(
        fra, snapshot.parties, TODAY, base | {"party": "PER", "name": "L. Q", "email": "l@q.org"}
    )
    assert not isinstance(own, str) and own[0].step == "focal_points"
    # refused: a required field left empty, another step's field filled in, a closed step
    assert chosen_fact(fra, snapshot.parties, TODAY, base | {"step": experts, "party": "FRA"}) == (
        f"{experts}: Count: field required"
    )
    assert (
        chosen_fact(
            fra,
            snapshot.parties,
            TODAY,
            base | {"step": "Self-assessment questionnaire", "count": 3},
        )
        == "Self-assessment questionnaire: the form has no field 'count'"
    )
    assert chosen_fact(fra, snapshot.parties, TODAY, base | {"step": "Publication"}).startswith(
        "step 'Publication' is not open"
    )


def test_who_recorded_a_fact_is_kept_in_its_note_and_read_back(store, definition):
    fra, _ = at(store, definition, "C1-G2-FRA")
    answer = {
        "party": "PER",
        "name": "L. Quispe",
        "email": "l.quispe@example.org",
        "on": "2021-11-20",
        "recorded_by": "M. Rossi",
        "note": "by note verbale",
    }
    fact = fact_from_form(fra, answer)
    outcome = record_fact(store, fra, fact, TODAY)
    assert outcome.recorded, outcome
    [event] = [
        e for e in store.snapshot().events if e.data.get("person", {}).get("name") == "L. Quispe"
    ]
    assert event.note == "by note verbale; recorded by M. Rossi"
    from untoc_workflow.mechanism_file import event_to_dict

    back = fact_from_event(event_to_dict(event), definition)
    assert (back.recorded_by, back.note) == ("M. Rossi", "by note verbale")
    # the export stays a valid mechanism file, the recorder in the event's note
    from untoc_workflow.mechanism_file import MechanismDocument

    document = store.export()
    MechanismDocument.model_validate(document)
    assert any(e.get("note") == "by note verbale; recorded by M. Rossi" for e in document["events"])

    after, snapshot = at(store, definition, "C1-G2-FRA")
    md = timeline_markdown(after, definition, snapshot.parties, snapshot.events, [], "now")
    assert "| 20 November 2021 | Focal point nominated (Peru) - by note verbale | M. Rossi |" in md
    assert "| Nomination of focal points | done |" in md
    assert artifact_key("C1-G2-FRA") == "review-c1-g2-fra"


def test_late_reviews_and_due_soon_list_every_open_step_by_its_deadline(store, definition):
    from untoc_workflow.core import mechanism_states

    snapshot = store.snapshot()
    day = date(2021, 11, 5)
    states = mechanism_states(definition, snapshot, day, notifications=False)
    late = late_reviews(states, definition, snapshot.parties)
    expected = {
        (s.review, definition.step(st.step).label(), st.days_overdue)
        for s in states.values()
        for st in s.steps
        if st.is_open and st.days_overdue > 0
    }
    assert {(r["review"], r["step"], r["days overdue"]) for r in late} == expected
    assert late == sorted(late, key=lambda r: -r["days overdue"])
    soon = due_soon(states, definition, snapshot.parties, day)
    assert {(r["review"], r["step"], r["days left"]) for r in soon} == {
        ("C1-G2-FRA", "Nomination of focal points", 10),
        ("C1-G2-FRA", "Nomination of governmental experts", 24),
    }


def test_the_desk_shows_the_long_texts_of_its_tables_on_short_lines_and_nothing_else_changes():
    row = {
        "review": "C1-G3-BIH",
        "days overdue": 182,
        "step": "Nomination of governmental experts",
        "deadline": "20 December 2021",
        "awaited": "Bosnia and Herzegovina and Serbia",
        "reviewed": "Bolivia (Plurinational State of)",
        "source": "extended by Conference decision 10/1",
    }
    [shown] = in_lines([row])
    assert shown["step"] == "Nomination of\ngovernmental\nexperts"
    assert shown["source"] == "extended by\nConference\ndecision 10/1"
    assert shown["reviewed"] == "Bolivia\n(Plurinational\nState of)"
    for column in ("step", "awaited", "reviewed", "source"):
        assert max(len(line) for line in shown[column].split("\n")) <= WRAP
        assert " ".join(shown[column].split("\n")) == row[column]  # every word, in order
    # the review, how late and the date stay on one line, as they were
    assert {k: shown[k] for k in ("review", "days overdue", "deadline")} == {
        "review": "C1-G3-BIH",
        "days overdue": 182,
        "deadline": "20 December 2021",
    }
    assert list(shown) == list(row)  # the columns in their order


def test_the_presidents_summary_is_headed_without_an_empty_place_for_a_review():
    # the President's summary belongs to no one review: its heading had an empty place
    # ("1.  - [UNTOC] For the President ...")
    letter = (
        "Excellency,\n\nThe secretariat has the honour ...\n"
        "1. Afghanistan\n   Review C1-G1-MNG, Mongolia: Nomination of focal points\n"
        "2. Albania\n   Review C1-G1-ALB, Albania: Self-assessment questionnaire"
    )
    held = [
        {
            "key": "presidency/2024-04",
            "review": "",
            "subject": "[UNTOC] For the President of the Conference: Parties with late steps",
            "to": "Presidency of the Conference <cop.presidency@example.org>",
            "text": letter,
        }
    ]
    decision = approval_form(held).model_json_schema()["properties"]["decision_1"]
    assert decision["title"] == (
        "1. [UNTOC] For the President of the Conference: Parties with late steps - to "
        "Presidency of the Conference <cop.presidency@example.org>"
    )
    # each line a paragraph of the UI's markdown: no list, no code block, the indent kept
    assert decision["description"] == (
        "Excellency,\n\n\u00a0\n\nThe secretariat has the honour ...\n\n"
        "1\\. Afghanistan\n\n\u00a0\u00a0\u00a0Review C1\\-G1\\-MNG, Mongolia: Nomination of"
        " focal points\n\n2\\. Albania\n\n\u00a0\u00a0\u00a0Review C1\\-G1\\-ALB, Albania:"
        " Self\\-assessment questionnaire\n\n"
        "Required unless every letter is approved above (outbox key presidency/2024-04)."
    )
    assert decisions(held, {"decided_by": "A. Officer"}).problems == [
        "1. [UNTOC] For the President of the Conference: Parties with late steps: no decision given"
    ]


def test_the_approval_form_lists_each_held_escalation_and_a_rejection_needs_a_reason():
    held = [
        {"key": "k1", "review": "C1-G1-NGA", "subject": "Escalation", "to": "Presidency"},
        {"key": "k2", "review": "C1-G1-GHA", "subject": "Escalation", "to": "Presidency"},
        {"key": "k3", "review": "C1-G2-FRA", "subject": "Escalation", "to": "Mission"},
    ]
    schema = approval_form(held).model_json_schema()
    assert schema["properties"]["decision_2"]["enum"] == ["approve", "reject", "keep held"]
    assert "C1-G1-GHA" in schema["properties"]["decision_2"]["title"]
    assert schema["required"] == ["decided_by"]
    decided = decisions(
        held,
        {
            "decided_by": "A. Officer",
            "decision_1": "approve",
            "decision_2": "reject",
            "reason_2": "the mission replied",
            "decision_3": "reject",
        },
    )
    assert decided.by == "A. Officer"
    assert decided.approve == ["k1"] and decided.reject == {"k2": "the mission replied"}
    assert decided.problems and "needs a reason" in decided.problems[0]
    assert approval_key(held) == approval_key(list(reversed(held)))
    assert approval_key(held, 1) != approval_key(held)  # asked again: a new form


def test_the_approval_form_shows_each_letter_demands_decisions_and_reasons_and_approves_all():
    import jsonschema

    held = [
        {"key": "k1", "review": "R1", "subject": "S1", "to": "P", "text": "Excellency,\nI write"},
        {"key": "k2", "review": "R2", "subject": "S2", "to": "P", "text": "Second letter"},
    ]
    form = approval_form(held)
    schema = form.model_json_schema()
    assert "Excellency,\n\nI write" in schema["properties"]["decision_1"]["description"]
    assert "Second letter" in schema["properties"]["decision_2"]["description"]

    def refused(answer: dict) -> bool:
        try:
            jsonschema.validate(answer, schema)
        except jsonschema.ValidationError:
            return True
        return False

    # the server's check (JSON Schema): a rejection without a reason, a letter without a
    # decision, an unknown field are refused; approve-all needs no decision per letter
    by = {"decided_by": "A. Officer"}
    assert refused(by | {"decision_1": "reject", "decision_2": "approve"})
    assert refused(by | {"decision_1": "reject", "reason_1": " ", "decision_2": "approve"})
    assert refused(by | {"decision_1": "approve"})
    assert refused(by | {"approve_all": True, "colour": "red"})
    assert not refused(
        by | {"decision_1": "reject", "reason_1": "replied", "decision_2": "keep held"}
    )
    assert not refused(by | {"approve_all": True})
    every = decisions(held, by | {"approve_all": True})
    assert every.approve == ["k1", "k2"] and not every.problems
    some = decisions(held, by | {"approve_all": True, "decision_2": "reject", "reason_2": "no"})
    assert some.approve == ["k1"] and some.reject == {"k2": "no"}
    # what got past the server is checked again: no decision is a problem, not a silence
    assert decisions(held, by | {"decision_1": "approve"}).problems


def test_the_timeline_lists_the_go_live_letter_that_listed_the_review(store, definition):
    from datetime import datetime

    from untoc_workflow.notify import run_sweep
    from untoc_workflow.orchestration.timeline import review_notices

    # go-live: each focal point gets one opening letter listing its reviews' open steps,
    # and no notice of the ledger (outbox_notice) is recorded for any review
    run_sweep(store, date(2022, 6, 20), datetime(2022, 6, 20, 6), deliver=False)
    notices = review_notices(store, "C1-G1-NGA")
    letters = [n for n in notices if n["rung"] == "go-live letter"]
    # the letters to NGA's, GHA's and DEU's focal points list C1-G1-NGA
    assert sorted(n["party"] for n in letters) == ["DEU", "GHA", "NGA"], notices
    nga, snapshot = at(store, definition, "C1-G1-NGA")
    md = timeline_markdown(nga, definition, snapshot.parties, snapshot.events, notices, "now")
    assert "No notice recorded for this review yet." not in md
    assert "| 20 June 2022 | every step outstanding | go-live letter | A. Bello | pending |" in md
