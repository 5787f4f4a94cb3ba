"""The President's summary says what is true on its day: every step still late past its
rung, counted as `untoc status` counts it, and only the notes verbales the outbox shows
were sent; it is signed by the secretariat."""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace as NS

import pytest

from untoc_workflow.core.state import Deadline, StepState
from untoc_workflow.definitions import load_process
from untoc_workflow.notify.context import late_by
from untoc_workflow.notify.presidency import late_parties
from untoc_workflow.notify.recipients import Recipient
from untoc_workflow.notify.sweep import Notifier, _Plan
from untoc_workflow.notify.templates import Templates
from untoc_workflow.outbox.record_of_notes import notes_sent
from untoc_workflow.outbox.rows import TABLE
from untoc_workflow.specimens import sample_letter_contexts
from untoc_workflow.wording.languages import UN_LANGUAGES, long_date
from untoc_workflow.wording.words import term

from .conftest import BUNDLED_DEFS

STEPS = {s.id: s for s in load_process().steps}
DUE = date(2023, 2, 3)


@pytest.fixture(scope="module")
def templates() -> Templates:
    return Templates(BUNDLED_DEFS / "templates")


def _state(as_of: date, started: date, step: str = "saq", party: str = "AND"):
    days = (as_of - DUE).days  # what the core's derive gives `untoc status`
    return NS(
        review=f"C1-G3-{party}",
        reviewed=party,
        as_of=as_of,
        open_steps=(
            StepState(
                step=step,
                status="open",
                started_on=started,
                deadline=Deadline(due=DUE, source="agreed"),
                days_overdue=days,
                waiting_for=(party,),
            ),
        ),
    )


def _render(templates, language, late):
    ctx = {**sample_letter_contexts(templates, language)[3][1], "late": late}
    return templates.render_letter("presidency", language, ctx)


def test_a_step_still_late_stays_on_the_summary_after_its_rung_has_run():
    # the rung to the President starts six months after the deadline and runs twice, six
    # months apart: by June 2025 it has run its course, the questionnaire is still awaited
    late = late_parties(STEPS, {"r": _state(date(2025, 6, 2), date(2022, 8, 3))}, {}, "en")
    assert [p["code"] for p in late] == ["AND"]
    assert late[0]["steps"][0]["days_overdue"] == (date(2025, 6, 2) - DUE).days


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_count_is_the_status_count_and_a_late_start_is_said(templates, language):
    as_of = date(2024, 11, 20)
    started = date(2023, 9, 1)  # could begin only after the agreed date had passed
    late = late_parties(STEPS, {"r": _state(as_of, started)}, {}, language)
    [step] = late[0]["steps"]
    assert step["days_overdue"] == (as_of - DUE).days == 656
    out = _render(templates, language, late)
    assert late_by(656, language) in out.text
    assert long_date(started, language) in out.text  # "could begin only on ..."
    assert late_by((as_of - started).days, language) not in out.text


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_summary_claims_only_the_notes_the_outbox_shows(templates, language):
    as_of = date(2024, 5, 20)
    states = {
        "a": _state(as_of, date(2022, 8, 3), party="AND"),
        "b": _state(as_of, date(2022, 8, 3), party="CHE"),
    }
    late = late_parties(STEPS, states, {}, language, {"AND": date(2024, 5, 6)})
    out = _render(templates, language, late)
    sent = long_date(date(2024, 5, 6), language)
    andorra, switzerland = out.text.split("\n2. ", 1)
    assert sent in andorra and sent not in switzerland
    mission = term("permanent_mission", language)
    assert mission in andorra and mission in switzerland  # "no note verbale was sent"
    # no claim that "the permanent missions concerned have been asked to act"
    intro = out.text.split("\n1. ", 1)[0]
    assert term("permanent_mission", language, number="other") not in intro


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_the_presidents_letter_is_signed_by_the_secretariat(templates, language):
    out = _render(templates, language, [])
    body = out.text.split("\n--\n", 1)[0].rstrip()
    assert body.endswith(term("unodc", language)), body
    assert term("mechanism_secretariat", language, cap=True) in body.splitlines()[-2]


def test_notes_sent_reads_the_missions_delivered_notes(store):
    def row(key, party, role, status, found_on):
        stamp = datetime(2024, 5, 6, 6)
        return {
            "key": key,
            "notice": key,
            "kind": "message",
            "due_on": found_on,
            "found_on": found_on,
            "party": party,
            "role": role,
            "recipient": f"{key}@example.org",
            "recipient_name": key,
            "language": "en",
            "subject": "s",
            "body_text": "t",
            "body_html": "h",
            "message_id": f"<{key}@example.org>",
            "status": status,
            "created_at": stamp,
            "updated_at": stamp,
        }

    with store.engine.begin() as conn:
        conn.execute(
            TABLE.insert(),
            [
                row("a", "AND", "mission", "sent", date(2024, 4, 8)),
                row("b", "AND", "mission", "sent", date(2024, 5, 6)),
                row("c", "CHE", "mission", "awaiting_approval", date(2024, 5, 6)),
                row("d", "CHE", "focal_point", "sent", date(2024, 5, 6)),
            ],
        )
    with store.engine.connect() as conn:
        assert notes_sent(conn) == {"AND": date(2024, 5, 6)}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_party_with_no_mission_on_record_is_not_said_to_have_been_sent_none(templates, language):
    """ "No note verbale has been sent" is true of a Party whose mission could have received
    one; of a Party with no mission on record the summary says that none could be."""
    as_of = date(2024, 5, 20)
    states = {
        "a": _state(as_of, date(2022, 8, 3), party="AND"),
        "b": _state(as_of, date(2022, 8, 3), party="COK"),
    }
    parties = {
        "AND": NS(name="Andorra", mission=NS(email="mission.and@example.org")),
        "COK": NS(name="Cook Islands", mission=None),
    }
    late = late_parties(STEPS, states, parties, language)
    assert {p["code"]: p["has_mission"] for p in late} == {"AND": True, "COK": False}
    out = _render(templates, language, late)
    body = out.text.split("\n1. ", 1)[1]
    first, second = body.split("\n2. ", 1)
    andorra, cook = (first, second) if late[0]["code"] == "AND" else (second, first)
    no_note = _lexicon(templates, language, "no_note")
    no_mission = _lexicon(templates, language, "no_mission")
    assert no_note in andorra and no_mission not in andorra
    assert no_mission in cook and no_note not in cook


def _lexicon(templates, language, macro):
    """One of the lexicon's macros without arguments, as a letter writes it."""
    ctx = {**sample_letter_contexts(templates, language)[3][1], "language": language}
    lexicon = templates.text_env.get_template(f"{language}/_lexicon.j2").make_module(ctx)
    return str(getattr(lexicon, macro)()).strip()


def test_a_note_the_same_sweep_sends_counts_as_sent_that_day(store):
    """The summary leaves with the day's notes: a note the same sweep sends to a Party's
    mission (not one held for approval, not a focal point's copy) is sent that day."""
    as_of = date(2024, 5, 6)

    def mission(party, **kw):
        return Recipient(
            email=f"mission.{party.lower()}@example.org",
            name="Permanent Mission",
            role="mission",
            kind="mission",
            party=party,
            **kw,
        )

    plan = _Plan(
        letters=[
            (NS(recipient=mission("CYP"), held=False), "message"),
            (NS(recipient=mission("FJI"), held=True), "message"),
            (NS(recipient=mission("TGO", copy=True), held=False), "message"),
        ]
    )
    with store.engine.connect() as conn:
        assert Notifier._notes(conn, plan, as_of) == {"CYP": as_of}


@pytest.mark.parametrize("language", UN_LANGUAGES)
def test_a_mission_whose_party_has_no_focal_point_is_not_asked_to_encourage_one(
    templates, language
):
    """A note verbale to the mission of a Party that has named no focal point asks it to
    encourage the competent national authorities, never "the focal point" it lacks (the
    nomination itself is still asked of it)."""
    ctx = {**sample_letter_contexts(templates, language)[3][1], "language": language}
    lexicon = templates.text_env.get_template(f"{language}/_lexicon.j2").make_module(ctx)
    mission = {"kind": "mission", "party_code": "AFG", "without_focal_point": False}
    lacking = {**mission, "without_focal_point": True}
    focal_point = term("focal_point", language)
    assert focal_point in str(lexicon.ask("saq", mission))
    for step in ("saq", "written_feedback", "observations", "preliminary_consultation"):
        assert focal_point not in str(lexicon.ask(step, lacking)), step
    assert str(lexicon.ask("saq", lacking)) == str(lexicon.ask("other_step", lacking))
    assert str(lexicon.ask("focal_points", lacking)) == str(lexicon.ask("focal_points", mission))


def test_a_mission_written_to_for_want_of_a_focal_point_is_known_as_such():
    from untoc_workflow.notify.context import recipient_fields
    from untoc_workflow.notify.recipients import Fallback

    mission = Recipient(
        email="mission.afg@example.org", name="M", role="mission", kind="mission", party="AFG"
    )
    lacking = Recipient(
        email="mission.afg@example.org",
        name="M",
        role="mission",
        kind="mission",
        party="AFG",
        fallback=(Fallback("AFG", "no_focal_point", "focal_point"),),
    )
    assert recipient_fields(mission)["without_focal_point"] is False
    assert recipient_fields(lacking)["without_focal_point"] is True
