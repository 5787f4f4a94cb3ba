"""The monthly status summary: one email per focal point and per mission, listing each of
the party's reviews with stage and next deadline, once per month."""

from __future__ import annotations

import re
from datetime import date, timedelta

from untoc_workflow.definitions import load_process
from untoc_workflow.notify import Notifier, record_digest
from untoc_workflow.outbox import SmtpMail, drain

from .conftest import NOW, SENDER, make_settings, standard_mechanism


def test_one_summary_per_focal_point_and_mission_with_only_their_reviews(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    notifier = Notifier(load_process(), make_settings(tmp_path, smtp.url))
    report = record_digest(store, notifier, date(2023, 6, 16), NOW)
    # five focal points, and the missions of all but Norway (none in Vienna)
    assert (report.recipients, report.recorded) == (9, 9)
    assert drain(store.engine, SmtpMail(smtp.url), NOW, sender=SENDER, sender_name="S").sent == 9
    got = {m.rcpt_tos[0]: m.message for m in smtp.wait_for(9)}
    assert set(got) == {
        "c.martin@example.org",
        "a.bello@example.org",
        "j.weber@example.org",
        "k.mensah@example.org",
        "i.berg@example.org",
        "mission.fra@example.org",
        "mission.nga@example.org",
        "mission.deu@example.org",
        "mission.gha@example.org",
    }
    weber = got["j.weber@example.org"].get_body(("plain",)).get_content()
    # Germany reviews France and Nigeria; it takes no part in the review of Ghana
    assert "C1-G1-FRA" in weber and "C1-G1-NGA" in weber and "C1-G1-GHA" not in weber
    assert (
        "Self-assessment questionnaire, deadline 30 June 2023,"
        " agreed at the preliminary consultation;"
        " due in 14 days" in weber
    )
    berg = got["i.berg@example.org"].get_body(("plain",)).get_content()
    assert "C1-G1-GHA" in berg and "C1-G1-FRA" not in berg and "C1-G1-NGA" not in berg
    martin = got["c.martin@example.org"]
    assert martin["Content-Language"] == "fr"
    assert str(martin["Subject"]) == "[UNTOC] Situation mensuelle de vos examens de pays, juin 2023"
    assert "État partie examiné" in martin.get_body(("html",)).get_content()
    mission = got["mission.gha@example.org"].get_body(("plain",)).get_content()
    # a note verbale: its number of the series, the third person, the close, the date line
    number, opening = mission.splitlines()[0], mission.splitlines()[2]
    assert re.fullmatch(r"CTOC/RM/2023/\d+", number)
    assert opening.startswith(
        "The secretariat of the United Nations Office on Drugs and Crime presents its"
        " compliments to the Permanent Mission of Ghana to the United Nations (Vienna)"
    )
    close = "the assurances of its highest consideration.\n\nVienna, 16 June 2023\n"
    assert close in mission.replace("\r\n", "\n")
    notes = [m.get_body(("plain",)).get_content().splitlines()[0] for m in got.values()]
    numbers = [n for n in notes if n.startswith("CTOC/RM/")]
    assert len(numbers) == len(set(numbers)) == 4  # one number per mission, never twice
    # a letter to a person: its date line first, signed by the secretariat
    bello = got["a.bello@example.org"].get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert bello.startswith("Vienna, 16 June 2023\n\nDear ")
    assert "\nSecretariat of the Review Mechanism\nUnited Nations Office on Drugs and Crime\n" in (
        bello
    )


def test_the_summary_is_sent_once_a_month(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    notifier = Notifier(load_process(), make_settings(tmp_path, smtp.url))
    assert record_digest(store, notifier, date(2023, 6, 1), NOW).recorded == 9
    assert record_digest(store, notifier, date(2023, 6, 28), NOW + timedelta(days=27)).recorded == 0
    assert record_digest(store, notifier, date(2023, 7, 1), NOW + timedelta(days=30)).recorded == 9
    drain(
        store.engine,
        SmtpMail(smtp.url),
        NOW + timedelta(days=30),
        sender=SENDER,
        sender_name="S",
    )
    subjects = sorted(
        {
            str(m.message["Subject"])
            for m in smtp.wait_for(18)
            if m.rcpt_tos == ["a.bello@example.org"]
        }
    )
    assert subjects == [
        "[UNTOC] Monthly status of your country reviews, July 2023",
        "[UNTOC] Monthly status of your country reviews, June 2023",
    ]


def test_the_summary_and_the_notices_count_a_late_started_step_alike(store, tmp_path, smtp):
    """The SAQ of Nigeria arrives on 1 June 2023, after the date set for the written feedback
    (1 March): the reviewers are not told the feedback is months late the day the SAQ
    arrives. The ladder counts from 1 June, and the summary says the same thing."""
    from untoc_workflow.core import mechanism_states

    from .conftest import add_events

    standard_mechanism(store, tmp_path)
    add_events(
        store,
        tmp_path,
        [
            {
                "on": "2023-02-01",
                "type": "deadline_extended",
                "review": "C1-G1-NGA",
                "step": "written_feedback",
                "due": "2023-03-01",
                "basis": "agreed by the parties",
            },
            {"on": "2023-06-01", "type": "saq_submitted", "review": "C1-G1-NGA"},
        ],
        "late.yaml",
    )
    definition = load_process()
    day = date(2023, 6, 15)
    state = mechanism_states(definition, store.snapshot(day), day)["C1-G1-NGA"]
    [overdue] = [n for n in state.notifications if n.step == "written_feedback"]
    assert (overdue.rung, overdue.counted_from, overdue.days_overdue) == (
        "overdue",
        date(2023, 6, 1),
        14,
    )
    # nothing fell on the day the SAQ arrived: no "due today" for a date long past
    first = mechanism_states(definition, store.snapshot(date(2023, 6, 1)), date(2023, 6, 1))
    assert not [n for n in first["C1-G1-NGA"].notifications if n.step == "written_feedback"]

    notifier = Notifier(definition, make_settings(tmp_path, smtp.url))
    record_digest(store, notifier, date(2023, 6, 16), NOW)
    drain(store.engine, SmtpMail(smtp.url), NOW, sender=SENDER, sender_name="S")
    got = {m.rcpt_tos[0]: m.message.get_body(("plain",)).get_content() for m in smtp.wait_for(9)}
    weber = got["j.weber@example.org"]  # Germany reviews Nigeria: it is asked
    # counted as `untoc status` counts it (from 1 March), with the day it could begin
    assert (
        "Written feedback, deadline 1 March 2023, extended (agreed by the parties);"
        " 107 days overdue" in weber
    )
    assert "This step could begin only on 1 June 2023" in weber
    assert "Please submit your written feedback" in weber
    bello = got["a.bello@example.org"]  # Nigeria waits for its reviewers: not asked
    assert "107 days overdue" in bello and "Please submit your written feedback" not in bello
    assert "0 days" not in weber and "not started" not in weber
