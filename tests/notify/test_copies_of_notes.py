"""A focal point's copy of a note verbale says the note was sent to its mission: it leaves
only beside the note. While the note waits for approval the copy waits too, even when the
copy alone was approved; the copy of a rejected note is never sent, and the outbox says why."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select

from untoc_workflow.outbox.approval import approve, reject
from untoc_workflow.outbox.ledger import MessageNotice
from untoc_workflow.outbox.rows import TABLE

from .conftest import standard_mechanism, went_live
from .test_sweep_smtp import run

AT = datetime(2023, 10, 2, 16, 0, tzinfo=UTC)
NOTICES = MessageNotice.__table__  # type: ignore[attr-defined]


def _held(store, address: str) -> str:
    with store.engine.connect() as conn:
        return conn.execute(
            select(TABLE.c.key).where(
                TABLE.c.recipient == address, TABLE.c.status == "awaiting_approval"
            )
        ).scalar_one()


def _rows(store, address: str) -> list:
    with store.engine.connect() as conn:
        return list(
            conn.execute(select(TABLE).where(TABLE.c.recipient == address).order_by(TABLE.c.id))
        )


def test_the_copy_of_a_note_leaves_only_with_the_note(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-10-02")
    # Monday 2 October: Nigeria's SAQ (agreed for 30 June) reaches the mission's rung; the
    # note to its mission and the copy to its focal point are both held
    run(store, tmp_path, smtp, "2023-10-02")
    note, copy = _held(store, "mission.nga@example.org"), _held(store, "a.bello@example.org")
    # the secretariat approves the copy alone: it waits for the note all the same
    with store.engine.begin() as conn:
        approve(conn, [copy], by="A. Officer", at=AT)
    run(store, tmp_path, smtp, "2023-10-03")
    assert not [m for m in smtp.messages() if "a.bello@example.org" in m.rcpt_tos]
    assert _rows(store, "a.bello@example.org")[-1].status == "awaiting_approval"
    # the note is rejected: the copy that would tell of it is never sent
    with store.engine.begin() as conn:
        reject(conn, [note], why="the mission has written since", by="A. Officer", at=AT)
        approve(conn, [_held(store, "a.bello@example.org")], by="A. Officer", at=AT)
    run(store, tmp_path, smtp, "2023-10-04")
    sent = [m for m in smtp.messages() if "a.bello@example.org" in m.rcpt_tos]
    for m in sent:
        assert "note verbale" not in m.message.get_body(("plain",)).get_content()
    last = _rows(store, "a.bello@example.org")[-1]
    assert last.status == "cancelled"
    assert last.cancel_reason == (
        "no longer applies: the note verbale it copies was not sent to the mission"
    )


def test_the_copy_leaves_with_its_approved_note_and_says_so(store, tmp_path, smtp):
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-10-02")
    run(store, tmp_path, smtp, "2023-10-02")
    with store.engine.begin() as conn:
        approve(conn, None, by="A. Officer", at=AT)
    run(store, tmp_path, smtp, "2023-10-03")
    [copy] = [m for m in smtp.messages() if "a.bello@example.org" in m.rcpt_tos]
    [note] = [m for m in smtp.messages() if "mission.nga@example.org" in m.rcpt_tos]
    text = copy.message.get_body(("plain",)).get_content()
    assert "A note verbale was sent on 3 October 2023 to the Permanent Mission" in text
    assert "Vienna, 3 October 2023" in note.message.get_body(("plain",)).get_content()


def test_a_copy_whose_note_was_already_delivered_still_leaves():
    # the copy's own delivery failed and is retried after the note went out: the note was
    # sent, so the copy is not dropped as if it had not been
    from untoc_workflow.notify.sweep import _note_fate

    for status in ("sent", "sending", "in_doubt", "pending", "failed"):
        assert _note_fate(None, status) == "leaves", status
    assert _note_fate(None, "awaiting_approval") == "held"
    for status in ("cancelled", None):
        assert _note_fate(None, status) == "not sent", status


def test_the_secretariats_summary_counts_what_each_message_carries(store, tmp_path, smtp):
    """Each line of the secretariat's summary counts the notices addressed to that address
    and, apart, the copies for information it carries, as the ledger records them."""
    standard_mechanism(store, tmp_path)
    went_live(store, tmp_path, before="2023-10-02")
    run(store, tmp_path, smtp, "2023-10-02")
    [summary] = [
        m.message.get_body(("plain",)).get_content()
        for m in smtp.messages()
        if "secretariat.review@example.org" in m.rcpt_tos
    ]
    said = {}
    for line in summary.splitlines():
        m = re.match(
            r"\* (\S+@\S+) \(.*?\): (?:(\d+) notices?)?(?:, )?(?:(\d+) cop(?:y|ies))?;", line
        )
        if m:
            said[m.group(1)] = (int(m.group(2) or 0), int(m.group(3) or 0))
    with store.engine.connect() as conn:
        carried = conn.execute(
            select(NOTICES.c.recipient, NOTICES.c.copy_only).where(
                NOTICES.c.outbox_key.like("daily/%")
            )
        ).all()
    expected: dict[str, tuple[int, int]] = {}
    for address, copy_only in carried:
        direct, copies = expected.get(address, (0, 0))
        expected[address] = (direct, copies + 1) if copy_only else (direct + 1, copies)
    assert said == expected
    assert (0, 1) in said.values()  # a focal point's copy of its mission's note, told apart
