"""The sweep sends real mail to a real SMTP server (aiosmtpd on 127.0.0.1) through Apprise:
what arrives, in which language, to whom, once."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from untoc_workflow.definitions import load_process
from untoc_workflow.notify import Notifier, sweep
from untoc_workflow.notify.sweep import N as NOTICES
from untoc_workflow.outbox import SmtpMail
from untoc_workflow.outbox.golive import START
from untoc_workflow.outbox.rows import TABLE, drain

from .conftest import (
    NOW,
    SECRETARIAT,
    SENDER,
    add_events,
    load_mechanism,
    make_settings,
    nominate,
    party,
    review,
    standard_mechanism,
    went_live,
)

DEFINITION = load_process()


def notifier(tmp_path: Path, url: str | None = None) -> Notifier:
    return Notifier(DEFINITION, make_settings(tmp_path, url))


def run(store, tmp_path, smtp, day: str, now=NOW):
    transport = SmtpMail(smtp.url)
    try:
        return sweep(store, notifier(tmp_path, smtp.url), transport, date.fromisoformat(day), now)
    finally:
        transport.close()


def rows(store) -> list:
    """The outbox after go-live (the opening messages aside)."""
    with store.engine.connect() as conn:
        live = conn.execute(select(START.c.go_live)).scalar()
        query = select(TABLE).order_by(TABLE.c.id)
        if live is not None:
            query = query.where(TABLE.c.found_on > live)
        return list(conn.execute(query))


def ledger(store) -> list:
    """The notices the messages carry."""
    with store.engine.connect() as conn:
        return list(conn.execute(select(NOTICES).order_by(NOTICES.c.id)))


def by_recipient(received) -> dict:
    out = {}
    for r in received:
        assert len(r.rcpt_tos) == 1
        out[r.rcpt_tos[0]] = r
    return out


def test_reminders_arrive_with_both_parts_in_the_review_language(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-16")
    report = run(store, tmp_path, smtp, "2023-06-16")
    # two reminders (FRA, NGA: two weeks before the agreed SAQ date), one message each, and
    # the secretariat's daily summary
    assert (report.found, report.recorded, report.sent, report.failed, report.pending) == (
        2,
        3,
        3,
        0,
        0,
    )
    got = by_recipient(smtp.wait_for(3))
    assert set(got) == {"c.martin@example.org", "a.bello@example.org", SECRETARIAT.email}
    fr = got["c.martin@example.org"]
    msg = fr.message
    assert fr.mail_from == SENDER
    assert msg["Content-Language"] == "fr"
    # a stable subject per recipient and date, never a count of days
    assert (
        msg["Subject"]
        == "[UNTOC] Examens de pays du Mécanisme d'examen : notifications du 16 juin 2023"
    )
    assert msg["To"].addresses[0].addr_spec == "c.martin@example.org"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "30 juin 2023" in text and "convenue lors de la consultation préliminaire" in text
    assert "Veuillez soumettre les réponses au questionnaire" in text
    assert '<html lang="fr" dir="ltr">' in html and "30 juin 2023" in html
    # the Message-ID is the outbox row's: stable, derived from its key
    stored = {r.recipient: r for r in rows(store)}
    assert msg["Message-ID"] == stored["c.martin@example.org"].message_id
    assert stored["c.martin@example.org"].status == "sent"
    # threading: every message to an address answers the same root; a List-Id
    assert msg["In-Reply-To"] == msg["References"] and msg["List-Id"]

    en = got["a.bello@example.org"].message
    assert (
        en["Content-Language"] == "en" and "30 June 2023" in en.get_body(("plain",)).get_content()
    )
    summary = got[SECRETARIAT.email].message.get_body(("plain",)).get_content()
    assert "c.martin@example.org (France): 1 notice" in summary
    assert "a.bello@example.org (Nigeria): 1 notice" in summary


def test_a_second_sweep_the_same_day_sends_nothing(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    first = run(store, tmp_path, smtp, "2023-06-30")
    again = run(store, tmp_path, smtp, "2023-06-30", now=NOW + timedelta(hours=1))
    assert first.sent == first.recorded > 0
    assert (again.recorded, again.sent, again.already_recorded) == (0, 0, first.found)
    ids = Counter(m.message_id for m in smtp.wait_for(first.sent))
    assert len(ids) == first.sent and set(ids.values()) == {1}


def test_a_missed_day_is_caught_up_once_and_tells_the_day_it_leaves(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-07-14")  # the sweep ran on Thursday 13 July
    # no sweep on Friday 14 July (overdue rung of the SAQ); Monday's sweep sends it and
    # names the day it missed (the weekend is no missed day: nothing is sent then)
    report = run(store, tmp_path, smtp, "2023-07-17")
    got = by_recipient(smtp.wait_for(report.sent))
    text = got["a.bello@example.org"].message.get_body(("plain",)).get_content()
    # when and why it is sent is the outbox's business, not the text's: the letter states
    # the day it leaves and the figures of that day
    assert "did not run" not in text and "it is sent now" not in text
    assert text.startswith("Vienna, 17 July 2023\r\n")
    assert "17 days overdue" in text
    again = run(store, tmp_path, smtp, "2023-07-18")
    assert again.sent == 0  # the catch-up is not sent a second time


def test_a_notice_due_on_a_holiday_goes_out_on_the_next_working_day(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    add_events(
        store,
        tmp_path,
        [
            {
                "on": "2023-02-01",
                "type": "deadline_extended",
                "review": "C1-G1-NGA",
                "step": "saq",
                "due": "2023-05-01",  # May Day, an official holiday in Vienna
                "basis": "agreed by the parties",
            }
        ],
        "ext.yaml",
    )
    went_live(store, tmp_path, before="2023-04-28")
    assert run(store, tmp_path, smtp, "2023-05-01").non_working == "May Day"
    assert smtp.messages() == []
    report = run(store, tmp_path, smtp, "2023-05-02")
    got = by_recipient(smtp.wait_for(report.sent))
    text = got["a.bello@example.org"].message.get_body(("plain",)).get_content()
    assert "not a working day" not in text and "next working day" not in text
    assert "did not run" not in text


def test_arabic_notices_are_right_to_left(store, tmp_path, smtp):
    parties = [party("EGY", "Egypt", ["ar"]), party("GHA", "Ghana"), party("DEU", "Germany")]
    events = [
        nominate("2023-01-05", "EGY", "F. Hassan", "f.hassan@example.org", "ar"),
        nominate("2023-01-05", "GHA", "K. Mensah", "k.mensah@example.org"),
        nominate("2023-01-05", "DEU", "J. Weber", "j.weber@example.org"),
        {"on": "2023-01-10", "type": "experts_nominated", "party": "EGY", "count": 1},
        {
            "on": "2023-01-20",
            "type": "preliminary_consultation_held",
            "review": "C1-G1-EGY",
            "languages": ["ar", "en"],
            "agreed": {"saq": "2023-06-30"},
        },
    ]
    load_mechanism(store, tmp_path, parties, [review("C1-G1-EGY", "EGY", ["GHA", "DEU"])], events)
    went_live(store, tmp_path, before="2023-06-30")
    run(store, tmp_path, smtp, "2023-06-30")
    msg = by_recipient(smtp.wait_for(2))["f.hassan@example.org"].message
    assert msg["Content-Language"] == "ar"
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html and 'body dir="rtl"' in html
    assert "30 حزيران/يونيه 2023" in msg.get_body(("plain",)).get_content()  # as UN Arabic


def test_the_server_down_for_one_drain_and_up_for_the_next_gets_everything_once(
    store, tmp_path, smtp
):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    smtp.stop()
    down = run(store, tmp_path, smtp, "2023-06-30")
    assert down.sent == 0 and down.failed == down.recorded > 0
    assert {r.status for r in rows(store)} == {"failed"}
    assert all(r.next_attempt_at is not None and r.attempts == 1 for r in rows(store))
    smtp.start()
    # too early for the retry: backoff holds the rows back
    early = drain(
        store.engine,
        SmtpMail(smtp.url),
        NOW + timedelta(minutes=1),
        sender=SENDER,
        sender_name="S",
    )
    assert early.sent == 0 and smtp.messages() == []
    later = drain(
        store.engine,
        SmtpMail(smtp.url),
        NOW + timedelta(minutes=10),
        sender=SENDER,
        sender_name="S",
    )
    assert later.sent == down.recorded
    third = drain(
        store.engine,
        SmtpMail(smtp.url),
        NOW + timedelta(hours=2),
        sender=SENDER,
        sender_name="S",
    )
    assert third.sent == 0
    ids = Counter(m.message_id for m in smtp.wait_for(down.recorded))
    assert len(ids) == down.recorded and set(ids.values()) == {1}
    assert {r.status for r in rows(store)} == {"sent"}
    assert all(r.attempts == 2 for r in rows(store))


def test_nothing_is_marked_sent_when_no_server_accepts(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    smtp.stop()
    transport = SmtpMail(f"{smtp.url},mailto://127.0.0.1:1?from={SENDER}&mode=insecure")
    report = sweep(store, notifier(tmp_path), transport, date(2023, 6, 30), NOW)
    assert report.sent == 0 and report.failed > 0
    assert all(r.status == "failed" and r.sent_at is None for r in rows(store))
    assert (
        "refused" in (rows(store)[0].last_error or "").lower()
        or "errno" in (rows(store)[0].last_error or "").lower()
    )


def test_a_second_relay_takes_over_when_the_first_is_down(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    transport = SmtpMail(f"mailto://127.0.0.1:1?from={SENDER}&mode=insecure,{smtp.url}")
    report = sweep(store, notifier(tmp_path), transport, date(2023, 6, 30), NOW)
    assert report.sent == report.recorded > 0 and report.failed == 0
    assert len(smtp.wait_for(report.sent)) == report.sent


def test_a_waiting_message_of_a_completed_step_is_cancelled_not_sent(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    smtp.stop()
    run(store, tmp_path, smtp, "2023-06-30")  # recorded, delivery failed
    add_events(
        store,
        tmp_path,
        [{"on": "2023-06-30", "type": "saq_submitted", "review": "C1-G1-NGA"}],
        "saq.yaml",
    )
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-07-03", now=NOW + timedelta(days=3))
    [cancelled] = [r for r in rows(store) if r.recipient == "a.bello@example.org"]
    assert cancelled.status == "cancelled" and report.cancelled >= 1
    assert cancelled.cancel_reason == (
        "no longer applies: C1-G1-NGA/saq/due/0/2023-06-30: step saq completed on 2023-06-30"
    )
    [notice] = [
        n
        for n in ledger(store)
        if n.recipient == "a.bello@example.org" and n.found_on > date(2023, 6, 29)
    ]
    assert notice.cancel_reason == "step saq completed on 2023-06-30"
    assert "a.bello@example.org" not in {m.rcpt_tos[0] for m in smtp.wait_for(report.sent)}
    assert "c.martin@example.org" in {m.rcpt_tos[0] for m in smtp.messages()}


def test_a_waiting_message_of_a_moved_deadline_is_cancelled(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    smtp.stop()
    run(store, tmp_path, smtp, "2023-06-30")
    add_events(
        store,
        tmp_path,
        [
            {
                "on": "2023-06-30",
                "type": "deadline_extended",
                "review": "C1-G1-FRA",
                "step": "saq",
                "due": "2023-09-30",
                "basis": "Conference decision 12/2",
            }
        ],
        "ext.yaml",
    )
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-07-03", now=NOW + timedelta(days=3))
    fra = [r for r in rows(store) if r.recipient == "c.martin@example.org"]
    # the waiting message is cancelled; Ms Martin's message of 3 July (Ghana's overdue
    # consultation: France reviews Ghana) no longer speaks of France's SAQ
    assert fra[0].status == "cancelled"
    assert "deadline moved from 2023-06-30 to 2023-09-30 (extended)" in fra[0].cancel_reason
    got = by_recipient(smtp.wait_for(report.sent))
    text = got["c.martin@example.org"].message.get_body(("plain",)).get_content()
    assert "C1-G1-GHA" in text and "C1-G1-FRA" not in text


def test_a_waiting_notice_goes_to_the_new_focal_point_not_the_replaced_one(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    smtp.stop()
    run(store, tmp_path, smtp, "2023-06-30")
    add_events(
        store,
        tmp_path,
        [
            nominate(
                "2023-07-01",
                "NGA",
                "B. Okafor",
                "b.okafor@example.org",
                replaces="a.bello@example.org",
            )
        ],
        "fp.yaml",
    )
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-07-03", now=NOW + timedelta(days=3))
    got = by_recipient(smtp.wait_for(report.sent))
    assert "a.bello@example.org" not in got
    new = got["b.okafor@example.org"].message
    assert new["To"].addresses[0].display_name == "B. Okafor"
    text = new.get_body(("plain",)).get_content()
    # the notice of the day it fell due, sent three days later: not "due today"
    assert "was due on 30 June 2023" in text and "C1-G1-NGA" in text
    assert "due today" not in text
    old = next(r for r in rows(store) if r.recipient == "a.bello@example.org")
    assert old.status == "cancelled" and "no longer a focal point of NGA" in old.cancel_reason


def test_a_redrawn_reviewer_is_no_longer_told_about_the_review(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-03-03")
    # the consultation of C1-G1-GHA is overdue; its reminders go to all focal points
    smtp.stop()
    run(store, tmp_path, smtp, "2023-03-03")
    before = {n.recipient for n in ledger(store) if n.review_id == "C1-G1-GHA"}
    assert "i.berg@example.org" in before
    add_events(
        store,
        tmp_path,
        [
            {
                "on": "2023-03-03",
                "type": "reviewer_replaced",
                "review": "C1-G1-GHA",
                "party": "NOR",
                "by": "NGA",
                "requested_by": "NOR",
            }
        ],
        "redraw.yaml",
    )
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-03-06", now=NOW + timedelta(days=3))
    assert "i.berg@example.org" not in {m.rcpt_tos[0] for m in smtp.wait_for(report.sent)}
    berg = [r for r in rows(store) if r.recipient == "i.berg@example.org"]
    assert berg and all(r.status == "cancelled" for r in berg)
    assert berg[0].cancel_reason.endswith("NOR is no longer a party to the review")


def test_recorded_rows_are_never_doubled_by_concurrent_or_repeated_recording(store, tmp_path):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    n = notifier(tmp_path)
    first = n.record(store, date(2023, 6, 30), NOW)
    # even when a sweep does not know the notices are recorded (a crash after the insert
    # but before reading back, or two sweeps at once), the unique keys keep one row each
    import sys

    sweep_module = sys.modules["untoc_workflow.notify.sweep"]

    original = sweep_module._known
    sweep_module._known = lambda conn, keys: set()
    try:
        second = n.record(store, date(2023, 6, 30), NOW)
    finally:
        sweep_module._known = original
    assert first.recorded > 0 and second.recorded == 0 and second.cancelled == 0
    keys = [r.key for r in rows(store)]
    assert len(keys) == len(set(keys)) == first.recorded
    pairs = [(x.notice, x.recipient) for x in ledger(store)]
    assert len(pairs) == len(set(pairs))


def test_retries_back_off_and_give_up_after_the_last_attempt(store, tmp_path, smtp):
    from untoc_workflow.outbox.rows import backoff, status_counts

    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(20).total_seconds() == 12 * 3600
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-30")
    opened = status_counts(store.engine)
    smtp.stop()
    n = notifier(tmp_path).record(store, date(2023, 6, 30), NOW).recorded
    down = SmtpMail(smtp.url)
    first = drain(store.engine, down, NOW, sender=SENDER, sender_name="S", max_attempts=2)
    assert first.failed == n and status_counts(store.engine) == {**opened, "retrying": n}
    second = drain(
        store.engine,
        down,
        NOW + timedelta(minutes=6),
        sender=SENDER,
        sender_name="S",
        max_attempts=2,
    )
    assert (second.failed, second.given_up, second.retried) == (0, n, n)
    assert status_counts(store.engine) == {**opened, "failed": n}  # given up: no next attempt
    assert all(r.next_attempt_at is None and r.attempts == 2 for r in rows(store))
    smtp.start()
    later = drain(
        store.engine, SmtpMail(smtp.url), NOW + timedelta(days=1), sender=SENDER, sender_name="S"
    )
    assert later.sent == 0 and smtp.messages() == []


def test_an_undelivered_reminder_overtaken_by_a_later_notice_is_dropped(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-16")
    smtp.stop()
    run(store, tmp_path, smtp, "2023-06-16")  # the reminders cannot be delivered
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-06-30", now=NOW + timedelta(days=14))
    reminder = next(n for n in ledger(store) if n.notice.startswith("C1-G1-NGA/saq/reminder/"))
    assert reminder.cancel_reason == "superseded by the due notice of 2023-06-30"
    got = by_recipient(smtp.wait_for(report.sent))
    text = got["a.bello@example.org"].message.get_body(("plain",)).get_content()
    assert "is due today, 30 June 2023" in text
    assert "This is a reminder" not in text
    [old] = [
        r
        for r in rows(store)
        if r.recipient == "a.bello@example.org" and r.found_on == date(2023, 6, 16)
    ]
    assert old.status == "cancelled" and old.cancel_reason.startswith(
        "rebuilt into the message of 2023-06-30"
    )


def test_an_escalation_to_a_mission_waits_for_approval_and_carries_a_real_cc(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    # Ghana's preliminary consultation (due 3 February 2023) was never held: three months
    # later the ladder writes to Ghana's mission, with a copy to the secretariat
    went_live(store, tmp_path, before="2023-05-03")
    report = run(store, tmp_path, smtp, "2023-05-03")
    assert report.held == 1 and report.awaiting_approval == 1
    got = by_recipient(smtp.wait_for(report.sent))
    assert "mission.gha@example.org" not in got  # held
    summary = got[SECRETARIAT.email].message.get_body(("plain",)).get_content()
    assert "mission.gha@example.org (Ghana): 1 notice" in summary and "held for approval" in summary
    assert "untoc outbox approve --all" in summary
    from .test_correspondence_replay import approve_all

    assert len(approve_all(store.engine, "A. Officer", NOW)) == 1
    later = drain(store.engine, SmtpMail(smtp.url), NOW, sender=SENDER, sender_name="S")
    assert later.sent == 1
    mission = by_recipient(smtp.wait_for(report.sent + 1))["mission.gha@example.org"].message
    assert mission["Cc"] == SECRETARIAT.email
    # the mission is addressed by its title, not by the bare name of its country
    assert mission["To"].addresses[0].display_name == (
        "Permanent Mission of Ghana to the United Nations (Vienna)"
    )
    number, text = mission.get_body(("plain",)).get_content().split("\r\n\r\n", 1)
    assert number == "CTOC/RM/2023/1"  # the note's number heads it
    assert text.startswith(
        "The secretariat of the United Nations Office on Drugs and Crime presents its"
        " compliments to the Permanent Mission of Ghana"
    )
    # a note verbale asks in the third person, not as the focal point is asked
    assert (
        "would be grateful if the Permanent Mission could encourage the focal point to hold"
        " the preliminary consultation" in text
    )
    assert "Please hold the preliminary consultation" not in text
    assert "Presidency" not in text and "President" not in text


def test_a_party_without_a_focal_point_is_reported_once_not_once_per_review(store, tmp_path, smtp):
    parties = [party("JPN", "Japan"), party("NGA", "Nigeria"), party("GHA", "Ghana")]
    parties.append(party("DEU", "Germany"))
    reviews = [
        review("C1-G1-JPN", "JPN", ["NGA", "GHA"]),
        review("C1-G1-NGA", "NGA", ["JPN", "DEU"]),
    ]
    events = [
        nominate("2023-01-05", code, f"FP {code}", f"fp.{code.lower()}@example.org")
        for code in ("NGA", "GHA", "DEU")
    ]
    load_mechanism(store, tmp_path, parties, reviews, events)
    went_live(store, tmp_path, before="2023-01-16")
    # focal points were due on 16 January: Japan holds up both reviews
    report = run(store, tmp_path, smtp, "2023-01-16")
    got = by_recipient(smtp.wait_for(report.sent))
    text = got["mission.jpn@example.org"].message.get_body(("plain",)).get_content()
    assert text.count("has not nominated a focal point") == 1
    assert (
        "Japan has not nominated a focal point (due by 16 January 2023). This holds up the" in text
    )
    assert "C1-G1-JPN, C1-G1-NGA" in text
    # the other Parties' focal points are not asked to nominate anyone
    assert "fp.nga@example.org" not in got


def test_a_held_escalation_that_no_longer_applies_is_cancelled_never_sent(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-05-03")
    assert run(store, tmp_path, smtp, "2023-05-03").held == 1  # to Ghana's mission
    add_events(
        store,
        tmp_path,
        [
            {
                "on": "2023-05-03",
                "type": "preliminary_consultation_held",
                "review": "C1-G1-GHA",
                "languages": ["en"],
            }
        ],
        "held.yaml",
    )
    report = run(store, tmp_path, smtp, "2023-05-04", now=NOW + timedelta(days=1))
    [held] = [r for r in rows(store) if r.recipient == "mission.gha@example.org"]
    assert held.status == "cancelled" and held.decided_by is None
    assert held.cancel_reason.startswith("no longer applies: C1-G1-GHA/preliminary_consultation/")
    assert held.cancel_reason.endswith("step preliminary_consultation completed on 2023-05-03")
    assert report.awaiting_approval == 0
    assert "mission.gha@example.org" not in {m.rcpt_tos[0] for m in smtp.messages()}


def test_a_sweep_that_records_nothing_does_not_fix_the_go_live(store, tmp_path):
    n = notifier(tmp_path)
    report = n.record(store, date(2023, 6, 16), NOW)  # an empty store: nothing to open with
    assert report.recorded == 0 and not report.opening
    with store.engine.connect() as conn:
        assert conn.execute(select(START)).first() is None
    standard_mechanism(store, tmp_path)
    assert n.record(store, date(2023, 6, 19), NOW).opening  # the first that records anything
    with store.engine.connect() as conn:
        assert conn.execute(select(START.c.go_live, START.c.set_by)).one() == (
            date(2023, 6, 19),
            "first sweep",
        )


def test_a_decision_cancels_one_notice_of_a_waiting_message_and_the_sweep_rebuilds_it(
    store, tmp_path, smtp
):
    from untoc_workflow.mechanism.decide import Cancellation
    from untoc_workflow.outbox.decisions import StoreNoticeOutbox

    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-06-16")
    smtp.stop()
    run(store, tmp_path, smtp, "2023-06-16")  # France's SAQ reminder: not delivered
    # 3 July: Ghana's consultation overdue (France reviews Ghana) joins France's SAQ (due
    # on 30 June, a day the sweep did not run) in one message to Ms Martin; still no server
    run(store, tmp_path, smtp, "2023-07-03", now=NOW + timedelta(days=17))
    [waiting] = [
        r for r in rows(store) if r.recipient == "c.martin@example.org" and r.status == "failed"
    ]
    outbox = StoreNoticeOutbox(store, now=NOW + timedelta(days=17))
    notices = [n for n in outbox.pending_notices() if n.recipient == "c.martin@example.org"]
    assert sorted(n.step for n in notices) == ["preliminary_consultation", "saq"]
    [ghana] = [n for n in notices if n.review == "C1-G1-GHA"]
    assert outbox.cancel([Cancellation(ghana, "Conference decision 12/2 waived the step")]) == 1
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-07-04", now=NOW + timedelta(days=18))
    text = (
        by_recipient(smtp.wait_for(report.sent))["c.martin@example.org"]
        .message.get_body(("plain",))
        .get_content()
    )
    assert "C1-G1-FRA" in text and "C1-G1-GHA" not in text
    again = next(r for r in rows(store) if r.id == waiting.id)
    assert again.status == "cancelled" and again.cancel_reason.startswith("rebuilt into")
