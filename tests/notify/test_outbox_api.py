"""The outbox API other parts call (the portal, the flows): approve, reject, outbox_entries,
retry_now; on SQLite and PostgreSQL, in a transaction of their own or the caller's."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from untoc_workflow.definitions import load_process
from untoc_workflow.errors import InputError
from untoc_workflow.notify import Notifier
from untoc_workflow.outbox.rows import (
    TABLE,
    approve,
    outbox_entries,
    reject,
    retry_now,
)

from .conftest import NOW, make_settings, standard_mechanism

AT = NOW.replace(tzinfo=None)


def held(store, tmp_path) -> list[str]:
    standard_mechanism(store, tmp_path)
    Notifier(load_process(), make_settings(tmp_path)).record(store, date(2023, 6, 30), NOW)
    with store.engine.begin() as conn:
        keys = list(conn.execute(select(TABLE.c.key).order_by(TABLE.c.id)).scalars())
        conn.execute(
            update(TABLE)
            .where(TABLE.c.key.in_(keys[:3]))
            .values(status="awaiting_approval", approval="secretariat")
        )
    return keys


def states(store) -> dict[str, tuple]:
    with store.engine.connect() as conn:
        return {e.key: (e.state, e.decided_by, e.reason) for e in outbox_entries(conn)}


def test_approve_and_reject_keep_who_when_and_why(store, tmp_path):
    keys = held(store, tmp_path)
    with store.engine.connect() as conn:  # a connection of its own: reject commits
        assert reject(conn, [keys[0]], why="  sent by hand\n", by="A. Nour", at=AT) == [keys[0]]
    with store.engine.connect() as conn:
        assert [e.key for e in outbox_entries(conn, awaiting=True)] == keys[1:3]
    # inside the caller's transaction: it commits
    with store.engine.begin() as conn:
        assert approve(conn, None, by="M. Dupont", at=AT + timedelta(hours=1)) == keys[1:3]
    got = states(store)
    assert got[keys[0]] == ("cancelled", "A. Nour", "rejected by A. Nour: sent by hand")
    assert got[keys[1]] == got[keys[2]] == ("pending", "M. Dupont", None)
    with store.engine.connect() as conn:
        entry = next(e for e in outbox_entries(conn) if e.key == keys[1])
    assert entry.decided_at == AT + timedelta(hours=1) and entry.attempts == 0


def test_a_bad_key_among_good_ones_changes_nothing(store, tmp_path):
    keys = held(store, tmp_path)
    before = states(store)
    with store.engine.connect() as conn:
        with pytest.raises(InputError) as caught:
            approve(conn, [keys[1], "no/such|key", keys[4]], by="M. Dupont", at=AT)
        with pytest.raises(InputError, match="--why"):
            reject(conn, [keys[1]], why=" ", by="M. Dupont", at=AT)
        with pytest.raises(InputError, match="cannot retry"):
            retry_now(conn, [keys[1]], AT)  # held: approve it first
    text = str(caught.value)
    assert "no message in the outbox has the key 'no/such|key'" in text
    assert f"cannot approve '{keys[4]}': it is pending" in text
    assert states(store) == before


def test_a_held_message_that_no_longer_applies_can_be_cancelled(store, tmp_path):
    from untoc_workflow.outbox.rows import cancel_rows

    keys = held(store, tmp_path)
    with store.engine.connect() as conn:
        ids = {r.key: r.id for r in conn.execute(select(TABLE.c.key, TABLE.c.id))}
    with store.engine.begin() as conn:  # a Conference decision moved the deadline
        cancelled = cancel_rows(conn, {ids[keys[0]]: "deadline moved by decision 12/2"}, NOW)
    assert cancelled == 1
    assert states(store)[keys[0]] == ("cancelled", None, "deadline moved by decision 12/2")
