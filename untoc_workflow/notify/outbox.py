"""Reading and writing the outbox, and draining it through a transport.

Writes are idempotent: rows are inserted with "on conflict do nothing" on their key, so a
second sweep, a concurrent one, or a rerun after a crash never adds a second row.
Delivery takes one row at a time in its own transaction (SQLite: BEGIN IMMEDIATE;
PostgreSQL: FOR UPDATE SKIP LOCKED), so two drains never send the same row, and a crash
loses at most the row being sent (see delivery.py for the final dot).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import InputError
from ..store.dialect import MAX_BIND, writing
from .delivery import DeliveryFailed, DeliveryInDoubt
from .message import build_message
from .recipients import valid_address
from .tables import CANCELLED, DELIVERABLE, FAILED, PENDING, SENDING, SENT, OutboxRow

TABLE = OutboxRow.__table__  # type: ignore[attr-defined]
C = TABLE.c

# Backoff after the n-th failed attempt: 5 min, 10, 20, 40... at most 12 hours; after
# MAX_ATTEMPTS the row stays failed with no next attempt (shown as given up).
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=12)
MAX_ATTEMPTS = 10
_OUTBOX_LOCK = 0x756E746F65  # PostgreSQL advisory lock: one sweep records at a time


def utc_naive(moment: datetime) -> datetime:
    """Stored timestamps are naive UTC (same on SQLite and PostgreSQL)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_FIRST * (2 ** max(0, attempts - 1)), BACKOFF_CAP)


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
    if not rows:
        return 0
    keys = [r["key"] for r in rows]
    before: set[str] = set()
    for chunk in _chunks(keys):
        before.update(conn.execute(select(C.key).where(C.key.in_(chunk))).scalars())
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    width = len(rows[0])
    for chunk in _chunks(list(rows), max(1, MAX_BIND // width)):
        stmt = dialect.insert(TABLE).on_conflict_do_nothing(index_elements=["key"])
        conn.execute(stmt, list(chunk))
    return len({k for k in keys if k not in before})


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


def new_row(
    key: str,
    *,
    recipient: Any,
    rendered: Any,
    language: str,
    sender: str,
    stamp: datetime,
    **what: Any,
) -> dict[str, Any]:
    """A pending outbox row for one recipient: `what` says what it is about (notice, kind,
    review_id, step, rung, occurrence, deadline_due, due_on, found_on, party, role,
    copy_only); the delivery fields start empty."""
    from .message import message_id

    return {
        "key": key,
        **what,
        "recipient": recipient.email,
        "recipient_name": recipient.name,
        "language": language,
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
    """Cancel the rows still deliverable, each with its reason; a row sent meanwhile stays
    sent. One batched statement: a Conference decision may cancel ten thousand notices."""
    if not reasons:
        return 0
    statement = (
        update(TABLE)
        # No IN (...) in the guard: executemany cannot expand it.
        .where(C.id == bindparam("row_id"), or_(*(C.status == s for s in DELIVERABLE)))
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
            .where(C.id.in_(ids[i : i + MAX_BIND]), C.status.in_(DELIVERABLE))
        ).scalar_one()
    return int(n)


def status_counts(engine: Engine) -> dict[str, int]:
    """Rows per status; `failed` are the given-up ones, `retrying` failed ones that will be
    tried again."""
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


# -- delivery -----------------------------------------------------------------------------


@dataclass
class DrainReport:
    sent: int = 0
    failed: int = 0
    in_doubt: int = 0
    errors: list[str] = field(default_factory=list)


_SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


def file_name(row: Any) -> str:
    """A readable, unique file name for a row: date, review, step, rung, recipient, hash."""
    tail = row.message_id.strip("<>").split("@", 1)[0].rsplit(".", 1)[-1][:10]
    parts = [
        str(row.found_on),
        row.review_id or row.kind,
        row.step or "",
        row.rung or "",
        row.recipient,
    ]
    readable = "_".join(_SAFE.sub("-", p) for p in parts if p)
    return f"{readable[:150]}_{tail}"


def drain(
    engine: Engine,
    transport: Any,
    now: datetime,
    *,
    sender: str,
    sender_name: str,
    reply_to: str | None = None,
    limit: int | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> DrainReport:
    """Send every row that is due for (another) attempt at `now`; mark what was accepted."""
    report = DrainReport()
    if not valid_address(sender):
        raise InputError(
            f"the sender address {sender!r} is not a plain email address (UNTOC_SENDER)"
        )
    stamp = utc_naive(now)
    due = (C.status == PENDING) | (
        (C.status == FAILED) & C.next_attempt_at.is_not(None) & (C.next_attempt_at <= stamp)
    )
    with engine.connect() as reader:
        ids = list(reader.execute(select(C.id).where(due).order_by(C.id)).scalars())
    if limit is not None:
        ids = ids[:limit]
    if not ids:
        return report
    with writing(engine.connect()) as conn:
        is_pg = conn.dialect.name == "postgresql"
        for row_id in ids:
            txn = conn.begin()
            try:
                query = select(TABLE).where(C.id == row_id, due)
                if is_pg:
                    query = query.with_for_update(skip_locked=True)
                row = conn.execute(query).first()
                if row is None:  # sent, cancelled or taken by another drain meanwhile
                    txn.rollback()
                    continue
                _deliver_one(
                    conn,
                    txn,
                    row,
                    transport,
                    stamp,
                    report,
                    sender,
                    sender_name,
                    reply_to,
                    max_attempts,
                )
            except BaseException:
                if txn.is_active:
                    txn.rollback()
                raise
    return report


def _deliver_one(
    conn: Connection,
    txn: Any,
    row: Any,
    transport: Any,
    stamp: datetime,
    report: DrainReport,
    sender: str,
    sender_name: str,
    reply_to: str | None,
    max_attempts: int,
) -> None:
    attempts = row.attempts + 1
    committed = False

    def point_of_no_return() -> None:
        # Record "sending" before the server can hold a complete message (delivery.py).
        nonlocal committed
        conn.execute(
            update(TABLE)
            .where(C.id == row.id)
            .values(status=SENDING, attempts=attempts, sent_at=stamp, updated_at=stamp)
        )
        txn.commit()
        committed = True

    message = build_message(
        row, sender=sender, sender_name=sender_name, reply_to=reply_to, now=stamp
    )
    try:
        transport.send(message, file_name(row), point_of_no_return)
    except DeliveryInDoubt as exc:
        _finish(
            conn,
            txn,
            committed,
            row.id,
            status=SENDING,
            last_error=f"in doubt: {exc}",
            attempts=attempts,
            updated_at=stamp,
        )
        report.in_doubt += 1
        report.errors.append(f"{row.recipient}: {exc}")
        return
    except DeliveryFailed as exc:
        retry_at = stamp + backoff(attempts) if attempts < max_attempts else None
        _finish(
            conn,
            txn,
            committed,
            row.id,
            status=FAILED,
            attempts=attempts,
            last_error=str(exc)[:2000],
            next_attempt_at=retry_at,
            sent_at=None,
            updated_at=stamp,
        )
        report.failed += 1
        report.errors.append(f"{row.recipient}: {exc}")
        return
    _finish(
        conn,
        txn,
        committed,
        row.id,
        status=SENT,
        attempts=attempts,
        sent_at=stamp,
        next_attempt_at=None,
        last_error=None,
        updated_at=stamp,
    )
    report.sent += 1


def _finish(conn: Connection, txn: Any, committed: bool, row_id: int, **values: Any) -> None:
    if committed:
        txn = conn.begin()
    conn.execute(update(TABLE).where(C.id == row_id).values(**values))
    txn.commit()
