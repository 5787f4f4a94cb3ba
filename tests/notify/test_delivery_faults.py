"""Delivery against a mail server that misbehaves (faulty_smtp.py): every due notice is
received at least once, and a notice received twice carries the same Message-ID."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from untoc_workflow.definitions import load_process
from untoc_workflow.notify import Notifier
from untoc_workflow.outbox import SmtpMail
from untoc_workflow.outbox.rows import TABLE, claim, drain, outbox_entries

from .conftest import NOW, SENDER, make_settings, standard_mechanism
from .faulty_smtp import DROP_KEPT, DROP_LOST, SILENT, Faults, FaultySmtp

DEFINITION = load_process()
BELLO = "a.bello@example.org"


@pytest.fixture
def faulty():
    server = FaultySmtp()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def record_due(store, tmp_path) -> int:
    """The notices due on 2023-06-30, recorded in the outbox (not sent)."""
    standard_mechanism(store, tmp_path)
    notifier = Notifier(DEFINITION, make_settings(tmp_path))
    recorded = notifier.record(store, date(2023, 6, 30), NOW).recorded
    assert recorded >= 3
    return recorded


def drain_at(store, url: str, minutes: float = 0):
    transport = SmtpMail(url)
    try:
        return drain(
            store.engine,
            transport,
            NOW + timedelta(minutes=minutes),
            sender=SENDER,
            sender_name="Secretariat",
        )
    finally:
        transport.close()


def rows(store) -> list:
    with store.engine.connect() as conn:
        return list(conn.execute(select(TABLE).order_by(TABLE.c.id)))


def entries(store) -> list:
    with store.engine.connect() as conn:
        return outbox_entries(conn)


def received_ids(server, at_least: int) -> Counter:
    return Counter(m.message_id for m in server.wait_for(at_least))


@pytest.mark.parametrize("fault", [DROP_LOST, DROP_KEPT])
def test_a_connection_dropped_after_the_dot_is_retried_under_the_same_message_id(
    store, tmp_path, faulty, fault
):
    n = record_due(store, tmp_path)
    faulty.faults = Faults(at_dot=[fault])
    first = drain_at(store, faulty.url)
    assert (first.sent, first.in_doubt, first.failed) == (n - 1, 1, 0)
    doubtful = next(r for r in rows(store) if r.status == "in_doubt")
    assert doubtful.last_error.startswith("in doubt: relay 1 (127.0.0.1:")
    assert doubtful.next_attempt_at >= NOW.replace(tzinfo=None) + timedelta(minutes=5)

    too_early = drain_at(store, faulty.url, minutes=1)
    assert too_early.sent == 0  # the backoff holds it
    later = drain_at(store, faulty.url, minutes=10)
    assert (later.sent, later.retried) == (1, 1)
    assert {r.status for r in rows(store)} == {"sent"}

    got = received_ids(faulty, n + (fault == DROP_KEPT))
    assert set(got) == {r.message_id for r in rows(store)}  # nothing lost
    twice = [mid for mid, count in got.items() if count > 1]
    # a duplicate only where the server kept the message whose answer was lost
    assert twice == ([doubtful.message_id] if fault == DROP_KEPT else [])


def test_a_server_that_never_answers_the_dot_leaves_the_notice_in_doubt_then_retried(
    store, tmp_path, faulty
):
    n = record_due(store, tmp_path)
    faulty.faults = Faults(at_dot=[SILENT])
    first = drain_at(store, faulty.url + "&rto=1")  # wait 1 s for the answer to the dot
    assert (first.sent, first.in_doubt) == (n - 1, 1)
    entry = next(e for e in entries(store) if e.state == "in doubt")
    assert "no answer to the final dot" in entry.reason
    later = drain_at(store, faulty.url, minutes=10)
    assert later.sent == 1
    got = received_ids(faulty, n)
    assert set(got) == {r.message_id for r in rows(store)} and set(got.values()) == {1}


def test_a_server_slower_than_the_client_timeout_still_gets_every_notice_once(
    store, tmp_path, faulty
):
    n = record_due(store, tmp_path)
    # every command times out after 1 s (`cto`), but the answer to the dot, 2 s late, is
    # awaited as RFC 5321 asks of a client
    faulty.faults = Faults(delays=[2.0])
    first = drain_at(store, faulty.url + "&cto=1")
    assert (first.sent, first.in_doubt, first.failed) == (n, 0, 0)
    got = received_ids(faulty, n)
    assert set(got) == {r.message_id for r in rows(store)} and set(got.values()) == {1}


def test_a_recipient_refused_for_good_is_given_up_with_the_reason(store, tmp_path, faulty):
    n = record_due(store, tmp_path)
    refusal = f"550 5.1.1 <{BELLO}>: Recipient address rejected: User unknown"
    faulty.faults = Faults(refuse={BELLO: refusal})
    first = drain_at(store, faulty.url)
    assert (first.sent, first.failed, first.given_up) == (n - 1, 0, 1)
    bello = next(r for r in rows(store) if r.recipient == BELLO)
    assert bello.status == "failed" and bello.next_attempt_at is None and bello.attempts == 1
    assert bello.last_error == f"relay 1 (127.0.0.1:{faulty.port}): RCPT TO refused: {refusal}"
    entry = next(e for e in entries(store) if e.to == BELLO)
    assert (entry.state, entry.reason) == ("given up", bello.last_error)
    assert drain_at(store, faulty.url, minutes=60 * 24).sent == 0  # never tried again
    assert BELLO not in {m.rcpt_tos[0] for m in faulty.wait_for(n - 1)}


def test_a_recipient_busy_for_now_is_delivered_on_a_later_attempt(store, tmp_path, faulty):
    n = record_due(store, tmp_path)
    faulty.faults = Faults(busy={BELLO: 2})
    first = drain_at(store, faulty.url)
    assert (first.sent, first.failed, first.given_up) == (n - 1, 1, 0)
    bello = next(r for r in rows(store) if r.recipient == BELLO)
    assert "RCPT TO refused: 451 4.3.2" in bello.last_error
    assert drain_at(store, faulty.url, minutes=6).failed == 1  # busy once more
    assert drain_at(store, faulty.url, minutes=30).sent == 1
    bello = next(r for r in rows(store) if r.recipient == BELLO)
    assert (bello.status, bello.attempts, bello.last_error) == ("sent", 3, None)
    got = received_ids(faulty, n)
    assert set(got) == {r.message_id for r in rows(store)} and set(got.values()) == {1}


def test_a_claim_left_by_a_drain_that_died_is_recovered_after_its_lease_only(
    store, tmp_path, faulty
):
    n = record_due(store, tmp_path)
    first_id = rows(store)[0].id
    with store.engine.connect() as conn:  # a drain claims a row, then is killed
        claimed = claim(conn, first_id, NOW.replace(tzinfo=None))
    assert claimed.status == "sending" and claimed.attempts == 1
    # another drain a minute later leaves it alone: the claim may belong to a live drain
    live = drain_at(store, faulty.url, minutes=1)
    assert (live.sent, live.recovered) == (n - 1, 0)
    assert next(r for r in rows(store) if r.id == first_id).status == "sending"
    # after the lease it is in doubt, and sent again
    after = drain_at(store, faulty.url, minutes=6)
    assert (after.recovered, after.sent, after.retried) == (1, 1, 1)
    got = received_ids(faulty, n)
    assert set(got) == {r.message_id for r in rows(store)} and set(got.values()) == {1}


def test_two_drains_at_once_never_send_the_same_claimed_notice(store, tmp_path, faulty):
    import threading

    n = record_due(store, tmp_path)
    faulty.faults = Faults(dot_delay=0.05)  # slow enough for the two drains to overlap
    reports: list = []
    drains = [
        threading.Thread(target=lambda: reports.append(drain_at(store, faulty.url)))
        for _ in range(2)
    ]
    for d in drains:
        d.start()
    for d in drains:
        d.join(60)
    assert sum(r.sent for r in reports) == n and all(r.in_doubt == 0 for r in reports)
    got = received_ids(faulty, n)
    assert set(got) == {r.message_id for r in rows(store)} and set(got.values()) == {1}
