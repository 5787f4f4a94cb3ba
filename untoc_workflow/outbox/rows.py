"""Reading and writing the outbox; its delivery (drain.py), what the secretariat sees of it
(entries.py) and the approval of held messages (approval.py) are re-exported here.

Writes are idempotent: rows are inserted with "on conflict do nothing" on their key, so a
second sweep, a concurrent one, or a rerun after a crash never adds a second row.
Delivery claims one row at a time and records its outcome; nothing is lost, and a
duplicate is possible only when the server's answer to a message was lost (drain.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..store.dialect import MAX_BIND
from .approval import approve, reject
from .drain import (
    BACKOFF_CAP,
    BACKOFF_FIRST,
    LEASE,
    MAX_ATTEMPTS,
    DrainReport,
    backoff,
    claim,
    drain,
    file_name,
    retry_now,
)
from .entries import Backlog, OutboxEntry, backlog, outbox_entries
from .tables import CANCELLABLE, CANCELLED, DELIVERABLE, FAILED, PENDING, OutboxRow, utc_naive

__all__ = [
    "BACKOFF_CAP",
    "BACKOFF_FIRST",
    "LEASE",
    "MAX_ATTEMPTS",
    "Backlog",
    "DrainReport",
    "OutboxEntry",
    "approve",
    "backlog",
    "backoff",
    "claim",
    "drain",
    "file_name",
    "outbox_entries",
    "reject",
    "retry_now",
    "utc_naive",
]

TABLE = OutboxRow.__table__  # type: ignore[attr-defined]
C = TABLE.c

_OUTBOX_LOCK = 0x756E746F65  # PostgreSQL advisory lock: one sweep records at a time


def lock_outbox(conn: Connection) -> None:
    """Serialise sweeps that record (SQLite's BEGIN IMMEDIATE already does)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_OUTBOX_LOCK})")


def _chunks(items: Sequence[Any], size: int = MAX_BIND) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def recorded_notices(conn: Connection, notices: Sequence[str]) -> set[str]:
    """Which of these notification keys already have outbox rows."""
    out: set[str] = set()
    for chunk in _chunks(list(notices)):
        out.update(conn.execute(select(C.notice).where(C.notice.in_(chunk)).distinct()).scalars())
    return out


def insert_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Insert rows whose key is new; return how many were new."""
    return len(insert_new_rows(conn, rows))


def insert_new_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> set[str]:
    """Insert rows whose key is new; return their keys (the others were already recorded,
    perhaps by a sweep running at the same time: call it after `lock_outbox`)."""
    if not rows:
        return set()
    keys = [r["key"] for r in rows]
    before: set[str] = set()
    for chunk in _chunks(keys):
        before.update(conn.execute(select(C.key).where(C.key.in_(chunk))).scalars())
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    width = len(rows[0])
    for chunk in _chunks(list(rows), max(1, MAX_BIND // width)):
        stmt = dialect.insert(TABLE).on_conflict_do_nothing(index_elements=["key"])
        conn.execute(stmt, list(chunk))
    return {k for k in keys if k not in before}


def open_rows(conn: Connection, kind: str = "notice") -> list[Any]:
    """Rows not yet delivered (pending, or failed and to be retried) of one kind."""
    cols = [
        C.id,
        C.key,
        C.notice,
        C.review_id,
        C.step,
        C.rung,
        C.occurrence,
        C.deadline_due,
        C.due_on,
        C.found_on,
        C.party,
        C.role,
        C.copy_only,
        C.recipient,
    ]
    return list(conn.execute(select(*cols).where(C.kind == kind, C.status.in_(DELIVERABLE))))


def display_name(recipient: Any, language: str, where: str | None = None) -> str:
    """The name shown beside the address: a permanent mission is addressed by its title in
    the message's language ("Permanent Mission of Nigeria to the United Nations (Vienna)";
    for a process that writes from elsewhere, the city the mission sits in, `where`:
    "Permanent Mission of Senegal (Dakar)"), not by the bare name of its country; a person
    by their own name."""
    if getattr(recipient, "kind", None) == "mission" and getattr(recipient, "party", None):
        from ..wording.words import WordingError, mission_name

        try:
            return mission_name(recipient.party, language, where)
        except WordingError:  # a code the UN's names do not know: the mechanism file's name
            pass
    return str(recipient.name)


def new_row(
    key: str,
    *,
    recipient: Any,
    rendered: Any,
    language: str,
    sender: str,
    stamp: datetime,
    sender_name: str | None = None,
    where: str | None = None,
    **what: Any,
) -> dict[str, Any]:
    """A pending outbox row for one recipient: `what` says what it is about (notice, kind,
    review_id, step, rung, occurrence, deadline_due, due_on, found_on, party, role,
    copy_only); the delivery fields start empty. `sender_name`: the name the message is
    sent under when the letter is signed by another secretariat than the configured one;
    `where`: the city a mission sits in, as its letter names it (`display_name`)."""
    from .message import message_id

    name = display_name(recipient, language, where)
    if sender_name and getattr(recipient, "kind", None) == "secretariat":
        # a process with a secretariat of its own signs as it and writes to it by that name
        # (the Council's summary goes to the Council's secretariat, not to UNTOC's)
        name = sender_name
    return {
        "key": key,
        **what,
        "recipient": recipient.email,
        "recipient_name": name,
        "language": language,
        "sender_name": sender_name,
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "message_id": message_id(key, sender),
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": None,
        "last_error": None,
        "cancel_reason": None,
        "created_at": stamp,
        "sent_at": None,
        "updated_at": stamp,
    }


def cancel_rows(conn: Connection, reasons: dict[int, str], now: datetime) -> int:
    """Cancel the rows still deliverable or held, each with its reason; a row sent meanwhile stays
    sent. One batched statement: a Conference decision may cancel ten thousand notices."""
    if not reasons:
        return 0
    statement = (
        update(TABLE)
        # No IN (...) in the guard: executemany cannot expand it.
        .where(C.id == bindparam("row_id"), or_(*(C.status == s for s in CANCELLABLE)))
        .values(
            status=CANCELLED,
            cancel_reason=bindparam("reason"),
            next_attempt_at=None,
            updated_at=utc_naive(now),
        )
    )
    ids = list(reasons)
    before = _deliverable_count(conn, ids)
    conn.execute(statement, [{"row_id": i, "reason": r} for i, r in reasons.items()])
    # executemany gives no reliable row count on every driver; count what is still open.
    return before - _deliverable_count(conn, ids)


def _deliverable_count(conn: Connection, ids: list[int]) -> int:
    n = 0
    for i in range(0, len(ids), MAX_BIND):
        n += conn.execute(
            select(func.count())
            .select_from(TABLE)
            .where(C.id.in_(ids[i : i + MAX_BIND]), C.status.in_(CANCELLABLE))
        ).scalar_one()
    return int(n)


def status_counts(engine: Engine) -> dict[str, int]:
    """Rows per status; `failed` are the given-up ones, `retrying` failed ones that will be
    tried again (`in_doubt` ones are all tried again)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(C.status, C.next_attempt_at.is_not(None), func.count()).group_by(
                C.status, C.next_attempt_at.is_not(None)
            )
        )
        out: dict[str, int] = {}
        for status, retry, n in rows:
            name = "retrying" if status == FAILED and retry else status
            out[name] = out.get(name, 0) + n
        return out
