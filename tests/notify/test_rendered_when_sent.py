"""A letter states the day it leaves: one held for approval is written again, with that
day's date and figures, by the sweep after its release; nothing in a body says when or why
it is sent (the outbox's reference and scheduling stay in the headers)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from untoc_workflow.outbox.rows import TABLE

from .conftest import SECRETARIAT, add_events, standard_mechanism, went_live
from .test_correspondence_replay import approve_all
from .test_sweep_smtp import by_recipient, run


def _plain(received) -> str:
    return received.message.get_body(("plain",)).get_content()


def test_a_held_note_released_days_later_states_the_day_it_leaves(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-05-03")
    # Wednesday 3 May: the escalation to Ghana's mission is written and held
    assert run(store, tmp_path, smtp, "2023-05-03").held == 1
    held = smtp.messages()
    # Friday 5 May the secretariat approves it; Monday's sweep sends it
    approve_all(store.engine, "A. Officer", datetime(2023, 5, 5, 15, 0, tzinfo=UTC))
    report = run(store, tmp_path, smtp, "2023-05-08")
    got = by_recipient(smtp.wait_for(len(held) + report.sent)[len(held) :])
    text = _plain(got["mission.gha@example.org"])
    subject = str(got["mission.gha@example.org"].message["Subject"])
    assert "8 May 2023" in text + subject
    assert "3 May 2023" not in text + subject
    # the figures are those of the day it leaves: the consultation due on 3 February 2023
    # is 94 days late on 8 May, not 89 as on the day the note was held
    assert "94 days" in text and "89 days" not in text
    with store.engine.connect() as conn:
        rows = list(
            conn.execute(select(TABLE).where(TABLE.c.recipient == "mission.gha@example.org"))
        )
    [sent] = [r for r in rows if r.status == "sent"]
    [first] = [r for r in rows if r.status == "cancelled"]
    # the approval carries over to the text written again; the held text says why it went
    assert sent.found_on.isoformat() == "2023-05-08" and sent.decided_by == "A. Officer"
    assert "written again on the day it leaves" in first.cancel_reason
    # the secretariat's summary is not asked to approve it a second time
    assert report.held == 0


def test_no_body_carries_the_outbox_reference_or_a_scheduling_note(store, tmp_path, smtp):
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
    report = run(store, tmp_path, smtp, "2023-05-02")
    got = smtp.wait_for(report.sent)
    assert got
    for received in got:
        text = _plain(received)
        html = received.message.get_body(("html",)).get_content()
        for body in (text, html):
            assert "Reference" not in body and "daily/2023" not in body
            assert "not a working day" not in body and "next working day" not in body
            assert "it is sent now" not in body
        # the reference is a header
        assert received.message["X-UNTOC-Reference"].startswith(("daily/", "secretariat/"))
    assert all(b"\n>From" not in r.data for r in got)
    assert SECRETARIAT.email in {r.rcpt_tos[0] for r in got}


def test_a_line_starting_with_from_is_not_mangled_on_the_wire():
    from email import message_from_bytes, policy
    from types import SimpleNamespace

    from untoc_workflow.outbox.message import _WIRE, build_message

    row = SimpleNamespace(
        key="opening/2024-04-16/a@example.org",
        message_id="<untoc.1@example.org>",
        recipient="a@example.org",
        recipient_name="A",
        cc=None,
        subject="Opening",
        language="en",
        notice="opening/2024-04-16",
        review_id=None,
        body_text="Dear Sir,\nFrom 16 April 2024 the secretariat writes.\n",
        body_html="<p>From 16 April 2024</p>",
    )
    out = build_message(
        row, sender="s@example.org", sender_name="S", reply_to=None, now=datetime(2024, 4, 16)
    )
    text = message_from_bytes(out.data, policy=policy.default).get_body(("plain",)).get_content()
    assert "\nFrom 16 April 2024" in text and ">From" not in text
    assert _WIRE.mangle_from_ is False  # whatever the transfer encoding
