"""The sweep sends real mail to a real SMTP server (aiosmtpd on 127.0.0.1) through Apprise:
what arrives, in which language, to whom, once."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from untoc_workflow.definitions import load_process
from untoc_workflow.notify import AppriseMail, Notifier, sweep
from untoc_workflow.notify.outbox import TABLE, drain

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
)

DEFINITION = load_process()


def notifier(tmp_path: Path, url: str | None = None) -> Notifier:
    return Notifier(DEFINITION, make_settings(tmp_path, url))


def run(store, tmp_path, smtp, day: str, now=NOW):
    transport = AppriseMail(smtp.url)
    try:
        return sweep(store, notifier(tmp_path, smtp.url), transport, date.fromisoformat(day), now)
    finally:
        transport.close()


def rows(store) -> list:
    with store.engine.connect() as conn:
        return list(conn.execute(select(TABLE).order_by(TABLE.c.id)))


def by_recipient(received) -> dict:
    out = {}
    for r in received:
        assert len(r.rcpt_tos) == 1
        out[r.rcpt_tos[0]] = r
    return out


def test_reminders_arrive_with_both_parts_in_the_review_language(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    report = run(store, tmp_path, smtp, "2023-06-16")
    assert (report.found, report.recorded, report.sent, report.failed, report.pending) == (
        3,
        4,
        4,
        0,
        0,
    )
    got = by_recipient(smtp.wait_for(4))
    assert set(got) == {
        "c.martin@example.org",  # FRA: SAQ reminder two weeks before the agreed date
        "a.bello@example.org",  # NGA: same
        "mission.gha@example.org",  # GHA: consultation never held: escalated to the mission
        SECRETARIAT.email,  # ... with a copy to the secretariat
    }
    fr = got["c.martin@example.org"]
    msg = fr.message
    assert fr.mail_from == SENDER
    assert msg["Content-Language"] == "fr"
    assert (
        msg["Subject"]
        == "[UNTOC C1-G1-FRA] Rappel : Questionnaire d'auto-évaluation, échéance le 30 juin 2023"
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

    en = got["a.bello@example.org"].message
    assert (
        en["Content-Language"] == "en" and "June 30, 2023" in en.get_body(("plain",)).get_content()
    )

    copy = got[SECRETARIAT.email].message.get_body(("plain",)).get_content()
    assert "You receive a copy for your information." in copy
    assert "Also sent to: Ghana (permanent mission, Ghana)" in copy
    assert "This notice fell due on" in copy  # the mission rung fell due months earlier


def test_a_second_sweep_the_same_day_sends_nothing(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    first = run(store, tmp_path, smtp, "2023-06-30")
    again = run(store, tmp_path, smtp, "2023-06-30", now=NOW + timedelta(hours=1))
    assert first.sent == first.recorded > 0
    assert (again.recorded, again.sent, again.already_recorded) == (0, 0, first.found)
    ids = Counter(m.message_id for m in smtp.wait_for(first.sent))
    assert len(ids) == first.sent and set(ids.values()) == {1}


def test_a_missed_day_is_caught_up_once_and_says_so(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    # no sweep ran on 2023-07-14 (overdue rung of the SAQ): the sweep of 2023-07-17 sends it
    report = run(store, tmp_path, smtp, "2023-07-17")
    got = by_recipient(smtp.wait_for(report.sent))
    text = got["a.bello@example.org"].message.get_body(("plain",)).get_content()
    assert "This notice fell due on July 14, 2023; it is sent now" in text
    assert "17 days overdue" in text
    again = run(store, tmp_path, smtp, "2023-07-18")
    assert again.sent == 0  # the catch-up is not sent a second time


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
    run(store, tmp_path, smtp, "2023-06-30")
    msg = by_recipient(smtp.wait_for(1))["f.hassan@example.org"].message
    assert msg["Content-Language"] == "ar"
    html = msg.get_body(("html",)).get_content()
    assert '<html lang="ar" dir="rtl">' in html and 'body dir="rtl"' in html
    assert "يونيو" in msg.get_body(("plain",)).get_content()  # June, written by Babel


def test_the_server_down_for_one_drain_and_up_for_the_next_gets_everything_once(
    store, tmp_path, smtp
):
    standard_mechanism(store, tmp_path)
    smtp.stop()
    down = run(store, tmp_path, smtp, "2023-06-30")
    assert down.sent == 0 and down.failed == down.recorded > 0
    assert {r.status for r in rows(store)} == {"failed"}
    assert all(r.next_attempt_at is not None and r.attempts == 1 for r in rows(store))
    smtp.start()
    # too early for the retry: backoff holds the rows back
    early = drain(
        store.engine,
        AppriseMail(smtp.url),
        NOW + timedelta(minutes=1),
        sender=SENDER,
        sender_name="S",
    )
    assert early.sent == 0 and smtp.messages() == []
    later = drain(
        store.engine,
        AppriseMail(smtp.url),
        NOW + timedelta(minutes=10),
        sender=SENDER,
        sender_name="S",
    )
    assert later.sent == down.recorded
    third = drain(
        store.engine,
        AppriseMail(smtp.url),
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
    smtp.stop()
    transport = AppriseMail(f"{smtp.url},mailto://127.0.0.1:1?from={SENDER}&mode=insecure")
    report = sweep(store, notifier(tmp_path), transport, date(2023, 6, 30), NOW)
    assert report.sent == 0 and report.failed > 0
    assert all(r.status == "failed" and r.sent_at is None for r in rows(store))
    assert (
        "refused" in (rows(store)[0].last_error or "").lower()
        or "errno" in (rows(store)[0].last_error or "").lower()
    )


def test_a_second_relay_takes_over_when_the_first_is_down(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    transport = AppriseMail(f"mailto://127.0.0.1:1?from={SENDER}&mode=insecure,{smtp.url}")
    report = sweep(store, notifier(tmp_path), transport, date(2023, 6, 30), NOW)
    assert report.sent == report.recorded > 0 and report.failed == 0
    assert len(smtp.wait_for(report.sent)) == report.sent


def test_pending_notices_of_a_completed_step_are_cancelled_not_sent(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    smtp.stop()
    run(store, tmp_path, smtp, "2023-06-30")  # recorded, delivery failed
    add_events(
        store,
        tmp_path,
        [{"on": "2023-06-30", "type": "saq_submitted", "review": "C1-G1-NGA"}],
        "saq.yaml",
    )
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-07-01", now=NOW + timedelta(days=1))
    cancelled = [r for r in rows(store) if r.status == "cancelled"]
    assert report.cancelled == len(cancelled) == 1
    assert cancelled[0].recipient == "a.bello@example.org"
    assert cancelled[0].cancel_reason == "step saq completed on 2023-06-30"
    assert "a.bello@example.org" not in {m.rcpt_tos[0] for m in smtp.wait_for(report.sent)}
    assert "c.martin@example.org" in {m.rcpt_tos[0] for m in smtp.messages()}


def test_pending_notices_of_a_moved_deadline_are_cancelled(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
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
    report = run(store, tmp_path, smtp, "2023-07-01", now=NOW + timedelta(days=1))
    fra = [r for r in rows(store) if r.review_id == "C1-G1-FRA"]
    assert [r.status for r in fra] == ["cancelled"]
    assert fra[0].cancel_reason == "deadline moved from 2023-06-30 to 2023-09-30 (extended)"
    assert "c.martin@example.org" not in {m.rcpt_tos[0] for m in smtp.wait_for(report.sent)}


def test_a_pending_notice_goes_to_the_new_focal_point_not_the_replaced_one(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
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
    report = run(store, tmp_path, smtp, "2023-07-01", now=NOW + timedelta(days=1))
    got = by_recipient(smtp.wait_for(report.sent))
    assert "a.bello@example.org" not in got
    new = got["b.okafor@example.org"].message
    assert new["X-UNTOC-Notice"] == "C1-G1-NGA/saq/due/0/2023-06-30"
    assert "Dear B. Okafor" in new.get_body(("plain",)).get_content()
    old = next(r for r in rows(store) if r.recipient == "a.bello@example.org")
    assert old.status == "cancelled" and "no longer a focal point of NGA" in old.cancel_reason


def test_a_redrawn_reviewer_is_no_longer_told_about_the_review(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    # the consultation of C1-G1-GHA is overdue; its reminders go to all focal points
    smtp.stop()
    run(store, tmp_path, smtp, "2023-03-03")
    before = {r.recipient for r in rows(store) if r.review_id == "C1-G1-GHA"}
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
    report = run(store, tmp_path, smtp, "2023-03-04", now=NOW + timedelta(days=1))
    assert "i.berg@example.org" not in {m.rcpt_tos[0] for m in smtp.wait_for(report.sent)}
    berg = [r for r in rows(store) if r.recipient == "i.berg@example.org"]
    assert berg and all(r.status == "cancelled" for r in berg)
    assert berg[0].cancel_reason == "NOR is no longer a party to the review"


def test_recorded_rows_are_never_doubled_by_concurrent_or_repeated_recording(store, tmp_path):
    standard_mechanism(store, tmp_path)
    n = notifier(tmp_path)
    first = n.record(store, date(2023, 6, 30), NOW)
    # even when a sweep does not know the notices are recorded (a crash after the insert
    # but before reading back, or two sweeps at once), the unique key keeps one row each
    from untoc_workflow.notify import outbox

    original = outbox.recorded_notices
    outbox_module_attr = "recorded_notices"
    import untoc_workflow.notify.sweep as sweep_module

    setattr(sweep_module, outbox_module_attr, lambda conn, keys: set())
    try:
        second = n.record(store, date(2023, 6, 30), NOW)
    finally:
        setattr(sweep_module, outbox_module_attr, original)
    assert first.recorded > 0 and second.recorded == 0
    keys = [r.key for r in rows(store)]
    assert len(keys) == len(set(keys)) == first.recorded


def test_retries_back_off_and_give_up_after_the_last_attempt(store, tmp_path, smtp):
    from untoc_workflow.notify.outbox import backoff, status_counts

    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [5, 10, 20, 40]
    assert backoff(20).total_seconds() == 12 * 3600
    standard_mechanism(store, tmp_path)
    smtp.stop()
    n = notifier(tmp_path).record(store, date(2023, 6, 30), NOW).recorded
    down = AppriseMail(smtp.url)
    first = drain(store.engine, down, NOW, sender=SENDER, sender_name="S", max_attempts=2)
    assert first.failed == n and status_counts(store.engine) == {"retrying": n}
    second = drain(
        store.engine,
        down,
        NOW + timedelta(minutes=6),
        sender=SENDER,
        sender_name="S",
        max_attempts=2,
    )
    assert (second.failed, second.given_up, second.retried) == (0, n, n)
    assert status_counts(store.engine) == {"failed": n}  # given up: no next attempt
    assert all(r.next_attempt_at is None and r.attempts == 2 for r in rows(store))
    smtp.start()
    later = drain(
        store.engine, AppriseMail(smtp.url), NOW + timedelta(days=1), sender=SENDER, sender_name="S"
    )
    assert later.sent == 0 and smtp.messages() == []


def test_an_undelivered_reminder_overtaken_by_a_later_notice_is_cancelled(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    smtp.stop()
    run(store, tmp_path, smtp, "2023-06-16")  # the reminders cannot be delivered
    smtp.start()
    report = run(store, tmp_path, smtp, "2023-06-30", now=NOW + timedelta(days=14))
    reminder = next(r for r in rows(store) if r.key.startswith("C1-G1-NGA/saq/reminder/"))
    assert reminder.status == "cancelled"
    assert reminder.cancel_reason == "superseded by the due notice of 2023-06-30"
    got = [m.message["X-UNTOC-Notice"] for m in smtp.wait_for(report.sent)]
    assert "C1-G1-NGA/saq/due/0/2023-06-30" in got
    assert not any(str(n).startswith("C1-G1-NGA/saq/reminder") for n in got)
