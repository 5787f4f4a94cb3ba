"""The bundled sample replayed as the secretariat would run it: go-live on 2024-04-16, a
sweep every day to 2024-06-30 through a real SMTP server on 127.0.0.1, the held escalations
approved once a week. What the missions, the President and the focal points receive."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from untoc_workflow.core import mechanism_states
from untoc_workflow.definitions import load_process
from untoc_workflow.notify import Notifier
from untoc_workflow.notify.sweep import sweep
from untoc_workflow.outbox import SmtpMail
from untoc_workflow.outbox.rows import TABLE
from untoc_workflow.store import open_store
from untoc_workflow.wording.form import dateline
from untoc_workflow.wording.languages import long_date

from .conftest import PRESIDENCY, SECRETARIAT, make_settings

SAMPLE = Path(__file__).resolve().parents[2] / "untoc_workflow" / "sample" / "mechanism.json"
GO_LIVE = date(2024, 4, 16)
LAST = date(2024, 6, 30)


def approve_all(engine, by: str, at: datetime) -> list[str]:
    """The delivery engineer's outbox.approve when it is there, else the same by hand."""
    try:
        from untoc_workflow.outbox.rows import approve  # type: ignore[attr-defined]
    except ImportError:
        approve = None
    stamp = at.astimezone(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        if approve is not None:
            return list(approve(conn, None, by=by, at=stamp))
        keys = list(
            conn.execute(select(TABLE.c.key).where(TABLE.c.status == "awaiting_approval")).scalars()
        )
        conn.execute(
            update(TABLE)
            .where(TABLE.c.status == "awaiting_approval")
            .values(status="pending", decided_by=by, decided_at=stamp)
        )
        return keys


def _module_pg_url(request) -> str:
    """A PostgreSQL schema for the whole module (the `pg_url` fixture lives one test)."""
    import uuid

    import psycopg

    from ..conftest import PG_SERVER, PG_TEST_DB, _pg_ready

    why = _pg_ready()
    if why:
        pytest.skip(why)
    schema = f"t_{uuid.uuid4().hex[:16]}"
    dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={PG_TEST_DB}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    request.addfinalizer(drop)
    return f"{PG_SERVER}/{PG_TEST_DB}?options=-csearch_path%3D{schema}"


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def replay(tmp_path_factory, request):
    """Run the whole period once per database; the tests read what arrived and what the
    outbox holds."""
    from .conftest import SmtpServer

    tmp = tmp_path_factory.mktemp("replay")
    smtp = SmtpServer()
    smtp.start()
    request.addfinalizer(smtp.stop)
    url = f"sqlite:///{tmp / 'replay.db'}" if request.param == "sqlite" else _module_pg_url(request)
    store = open_store(url)
    request.addfinalizer(store.close)
    store.import_file(SAMPLE)
    notifier = Notifier(load_process(), make_settings(tmp, smtp.url))
    calendar = notifier.calendar
    arrived: dict[date, list] = {}
    presidency: dict[date, tuple] = {}
    reports = {}
    day = GO_LIVE
    transport = SmtpMail(smtp.url)
    request.addfinalizer(transport.close)
    while day <= LAST:
        now = datetime.combine(day, time(6, 0), tzinfo=UTC)
        before = len(smtp.messages())
        if day.weekday() == 0 and calendar.is_working_day(day):
            # Monday: the secretariat reads the week's held escalations and approves them;
            # the morning's sweep writes them again with the day's figures and sends them
            approve_all(store.engine, "A. Officer", now - timedelta(hours=1))
        report = sweep(
            store, notifier, transport, day, now, go_live=GO_LIVE if day == GO_LIVE else None
        )
        got = smtp.wait_for(before + report.sent)
        arrived[day] = got[before:]
        for m in arrived[day]:
            if m.rcpt_tos[0] == PRESIDENCY.email:  # what the core says on that day, beside it
                states = mechanism_states(notifier.definition, store.snapshot(day), day)
                presidency[day] = (m.message.get_body(("plain",)).get_content(), states)
        reports[day] = report
        day += timedelta(days=1)
    with store.engine.connect() as conn:
        rows = list(conn.execute(select(TABLE)))
    parties = store.snapshot(LAST).parties
    return {
        "arrived": arrived,
        "reports": reports,
        "rows": rows,
        "calendar": calendar,
        "parties": parties,
        "presidency": presidency,
    }


def test_go_live_sends_one_opening_message_to_each_recipient(replay):
    first = replay["reports"][GO_LIVE]
    mail = replay["arrived"][GO_LIVE]
    recipients = Counter(m.rcpt_tos[0] for m in mail)
    print(f"\ngo-live {GO_LIVE}: {len(mail)} messages to {len(recipients)} recipients")
    assert first.opening and first.go_live == GO_LIVE
    assert set(recipients.values()) == {1}
    # openings are not catch-ups: nothing says the check "did not run"
    texts = [m.message.get_body(("plain",)).get_content() for m in mail]
    assert not any("did not run" in t for t in texts)
    # every focal point of a Party taking part in an open review is written to (or its
    # mission when it has none), the secretariat gets one summary; the President's summary
    # waits for approval
    assert 150 <= len(mail) <= 260
    assert SECRETARIAT.email in recipients and PRESIDENCY.email not in recipients
    assert first.held == 1


def test_no_address_receives_more_than_one_message_a_day(replay):
    worst = max(
        (n, day, address)
        for day, mail in replay["arrived"].items()
        for address, n in Counter(m.rcpt_tos[0] for m in mail).items()
    )
    print(f"\nlargest number of messages to one address on one day: {worst}")
    assert worst[0] == 1


def test_nothing_is_sent_on_a_non_working_day(replay):
    calendar = replay["calendar"]
    on_holidays = {
        day: len(mail)
        for day, mail in replay["arrived"].items()
        if not calendar.is_working_day(day)
    }
    print(f"\nmessages on non-working days: {sum(on_holidays.values())}")
    assert sum(on_holidays.values()) == 0
    # the period has weekends, May Day and Eid al-Adha (in lieu of 16 June): all quiet
    assert {date(2024, 5, 1), date(2024, 6, 17), date(2024, 4, 20)} <= set(on_holidays)


def test_no_escalation_leaves_before_the_secretariat_approves_it(replay):
    held = [r for r in replay["rows"] if r.approval is not None]
    sent_early = [
        r for r in held if r.status == "sent" and (r.decided_at is None or r.decided_at > r.sent_at)
    ]
    print(f"\nheld for approval: {len(held)}; sent before approval: {len(sent_early)}")
    assert held and not sent_early
    assert all(r.decided_by == "A. Officer" for r in held if r.status == "sent")


def test_missions_and_the_president_are_written_to_sparingly(replay):
    per_address = defaultdict(int)
    for mail in replay["arrived"].values():
        for m in mail:
            per_address[m.rcpt_tos[0]] += 1
    missions = {a: n for a, n in per_address.items() if a.startswith("mission.")}
    president = per_address.get(PRESIDENCY.email, 0)
    total = sum(per_address.values())
    print(
        f"\nover {GO_LIVE}..{LAST}: {total} messages; {len(missions)} missions received"
        f" {sum(missions.values())} (at most {max(missions.values(), default=0)} each);"
        f" the President received {president}"
    )
    # the President: one summary a month (April's at go-live, May's, June's), never more
    assert 1 <= president <= 3
    assert max(missions.values(), default=0) <= 12


def test_a_mission_never_receives_a_text_addressed_to_the_presidency(replay):
    arrived = [m for mail in replay["arrived"].values() for m in mail]
    assert any(m.rcpt_tos[0].startswith("mission.") for m in arrived)
    for mail in replay["arrived"].values():
        for m in mail:
            if not m.rcpt_tos[0].startswith("mission."):
                continue
            text = m.message.get_body(("plain",)).get_content()
            subject = str(m.message["Subject"])
            for words in ("Presidency", "President of the Conference", "Présidence", "主席"):
                assert words not in text and words not in subject, (m.rcpt_tos, words)
            # addressed to the mission itself, as a note verbale, asking it to act
            if m.message["Content-Language"] == "en":
                assert "presents its compliments to the Permanent" in text
                assert "the assurances of its highest consideration" in text


def test_every_message_threads_per_recipient_with_a_stable_subject(replay):
    threads = defaultdict(set)
    for mail in replay["arrived"].values():
        for m in mail:
            msg = m.message
            assert msg["List-Id"] and msg["In-Reply-To"] == msg["References"]
            threads[m.rcpt_tos[0]].add(str(msg["References"]))
            assert "overdue" not in str(msg["Subject"])  # no count of days in a subject
    assert all(len(t) == 1 for t in threads.values())
    assert len({next(iter(t)) for t in threads.values()}) == len(threads)


def test_every_letter_states_the_day_it_leaves_and_nothing_internal(replay):
    """Held letters are released on Mondays: each still states the day it arrives, in its
    own language, and no body carries the outbox's reference or a scheduling note."""
    checked = 0
    released = 0
    for day, mail in replay["arrived"].items():
        for m in mail:
            msg = m.message
            language = str(msg["Content-Language"])
            text = msg.get_body(("plain",)).get_content()
            html = msg.get_body(("html",)).get_content()
            assert dateline(language, long_date(day, language)) in text, (day, m.rcpt_tos)
            for other in (day - timedelta(days=n) for n in range(1, 8)):
                assert dateline(language, long_date(other, language)) not in text
            assert not any(line.startswith(">From") for line in text.splitlines())
            for body in (text, html):
                assert "daily/20" not in body and "Reference:" not in body
                assert "next working day" not in body and "not a working day" not in body
            released += msg["X-UNTOC-Reference"] is not None and day.weekday() == 0
            checked += 1
    print(f"\n{checked} messages checked, {released} of them on Mondays")
    assert checked > 300 and released > 0
    # the held letters released were written again on the day they left
    sent_held = [r for r in replay["rows"] if r.approval is not None and r.status == "sent"]
    assert sent_held
    assert all(r.sent_at.date() == r.found_on for r in sent_held)


def test_a_note_to_a_mission_is_copied_to_no_other_party(replay):
    """A note verbale to one Permanent Mission reaches its own Party's focal points and the
    secretariat, never another State's."""
    focal_points = {}
    for row in replay["rows"]:
        if row.role == "focal_point" and row.party:
            focal_points[row.recipient.lower()] = row.party
    notes = [r for r in replay["rows"] if r.role == "mission" and r.status == "sent"]
    assert notes
    for note in notes:
        for cc in filter(None, (a.strip().lower() for a in (note.cc or "").split(","))):
            assert cc == SECRETARIAT.email or focal_points.get(cc) == note.party, (note.key, cc)


def test_each_presidents_summary_keeps_every_review_still_late(replay):
    """May's summary lists every review of April's whose late step is still open, June's
    every one of May's: a step does not vanish from the President's view while it is late."""
    import re

    review_id = re.compile(r"C\d-G\d+-[A-Z]{3}")
    summaries = sorted(replay["presidency"].items())
    assert len(summaries) >= 2
    for (day, (before, then)), (later, (after, now)) in zip(summaries, summaries[1:], strict=False):
        listed = set(review_id.findall(before))
        assert listed
        for rid in listed:
            late_then = {s.step for s in then[rid].steps if s.is_open and s.days_overdue > 0}
            late_now = {s.step for s in now[rid].steps if s.is_open and s.days_overdue > 0}
            if late_then & late_now:
                assert rid in after, (day, later, rid, late_then & late_now)
